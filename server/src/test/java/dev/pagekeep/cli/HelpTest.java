package dev.pagekeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagekeep.testing.Cli;
import dev.pagekeep.testing.Cli.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code --help} on the top level and on every subcommand it lists: exit 0 and usage text. */
class HelpTest {
  @Test
  void everyListedSubcommandAnswersHelpWithUsage() {
    Run top = Cli.run("--help");
    assertThat(top.exit()).isZero();
    assertThat(top.out()).startsWith("Usage: pagekeep").contains("Commands:");
    List<String> commands = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^  ([a-z][a-z-]+)\\s{2,}").matcher(top.out().substring(top.out().indexOf("Commands:")));
    while (m.find()) commands.add(m.group(1));
    assertThat(commands).contains("serve", "save", "open", "import", "export", "verify", "reindex", "install-host");
    for (String command : commands) {
      for (String flag : List.of("--help", "-h")) {
        Run r = Cli.run(command, flag);
        assertThat(r.exit()).as(command + " " + flag + ": " + r.err()).isZero();
        assertThat(r.out()).as(command + " " + flag).startsWith("Usage: pagekeep " + command).contains("--help");
        assertThat(r.err()).as(command + " " + flag).isEmpty();
      }
    }
  }
}
