package dev.pagekeep.cli;

import dev.pagekeep.config.DataDir;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data DIR} option shared by every command. */
public final class DataOption {
  @Option(names = "--data", paramLabel = "DIR",
      description = "data directory (default: $PAGEKEEP_HOME, else $XDG_DATA_HOME/pagekeep, else ~/.local/share/pagekeep)")
  Path data;

  public DataDir dataDir() { return DataDir.resolve(data); }
}
