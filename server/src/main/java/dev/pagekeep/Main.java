package dev.pagekeep;

import dev.pagekeep.cli.ExportCommand;
import dev.pagekeep.cli.ImportCommand;
import dev.pagekeep.cli.InstallHostCommand;
import dev.pagekeep.cli.NativeHostCommand;
import dev.pagekeep.cli.OpenCommand;
import dev.pagekeep.cli.ReindexCommand;
import dev.pagekeep.cli.RotCommand;
import dev.pagekeep.cli.SaveCommand;
import dev.pagekeep.cli.ServeCommand;
import dev.pagekeep.cli.StatusCommand;
import dev.pagekeep.cli.StopCommand;
import dev.pagekeep.cli.VerifyCommand;
import dev.pagekeep.cli.WatchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point: parses the command line and runs one command. Errors leave as one line on
 * stderr with a non-zero exit code; nothing imports this class.
 */
@Command(name = "pagekeep", mixinStandardHelpOptions = true, version = "pagekeep 0.1.0",
    description = "A personal Wayback Machine: keep your own copy of the pages you read and link to.",
    subcommands = {ServeCommand.class, SaveCommand.class, InstallHostCommand.class, NativeHostCommand.class,
        VerifyCommand.class, OpenCommand.class, ImportCommand.class, ExportCommand.class, ReindexCommand.class,
        StatusCommand.class, StopCommand.class, WatchCommand.class, RotCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("pagekeep: " + oneLine(e));
      // The one line is for users; the whole trace is there when a bug needs chasing.
      if (System.getenv("PAGEKEEP_DEBUG") != null) e.printStackTrace(cmd.getErr());
      return 1;
    });
    return cli.execute(args);
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e.getMessage() != null && !(e instanceof IllegalArgumentException || e instanceof IllegalStateException
        || e.getClass().getName().startsWith("dev.pagekeep."))) {
      m = e.getClass().getSimpleName() + ": " + m; // a library's message alone can be cryptic
    }
    return m.replaceAll("[\\r\\n]+", " ");
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.err);
  }
}
