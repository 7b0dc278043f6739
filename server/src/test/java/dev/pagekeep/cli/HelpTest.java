package dev.pagekeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagekeep.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code --help} on the top level and on every subcommand it lists: exit 0 and usage text. */
class HelpTest {
  record Run(int exit, String out, String err) {}

  static synchronized Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int exit = Main.run(args);
      return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void everyListedSubcommandAnswersHelpWithUsage() {
    Run top = run("--help");
    assertThat(top.exit()).isZero();
    assertThat(top.out()).startsWith("Usage: pagekeep").contains("Commands:");
    List<String> commands = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^  ([a-z][a-z-]+)\\s{2,}").matcher(top.out().substring(top.out().indexOf("Commands:")));
    while (m.find()) commands.add(m.group(1));
    assertThat(commands).contains("serve", "save", "open", "import", "export", "verify", "reindex", "install-host");
    for (String command : commands) {
      for (String flag : List.of("--help", "-h")) {
        Run r = run(command, flag);
        assertThat(r.exit()).as(command + " " + flag + ": " + r.err()).isZero();
        assertThat(r.out()).as(command + " " + flag).startsWith("Usage: pagekeep " + command).contains("--help");
        assertThat(r.err()).as(command + " " + flag).isEmpty();
      }
    }
  }
}
