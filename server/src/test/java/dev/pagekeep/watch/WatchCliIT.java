package dev.pagekeep.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagekeep.testing.Cli;
import dev.pagekeep.testing.Cli.Run;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code pagekeep watch add|list|check|remove} against the running service, and --help on each. */
class WatchCliIT extends WatchHarness {
  private Run pk(String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--data";
    all[args.length + 1] = service.config().dataDir().root().toString();
    return Cli.run(all);
  }

  @Test
  void addListCheckAndRemoveAWatchFromTheCommandLine() {
    site.page("/post/1", "one").page("/ref/a", "a");
    site.put("/feed", FeedTexts.Format.RSS.contentType, FeedTexts.rss("Blog", List.of(item("urn:1", "/post/1", "/ref/a"))));

    Run add = pk("watch", "add", site.url("/feed"), "--links", "--every", "12h");
    assertThat(add.exit()).as(add.err()).isZero();
    assertThat(add.out()).contains("watching " + site.url("/feed") + " (watch 1, every 12h, with links)")
        .contains("watch 1 " + site.url("/feed") + ": 1 new entry, 2 queued");

    Run list = pk("watch", "list");
    assertThat(list.exit()).isZero();
    assertThat(list.out()).contains("1  " + site.url("/feed") + "  every 12h, with links  last: ").contains("added: 2");

    Run check = pk("watch", "check", "1");
    assertThat(check.exit()).isZero();
    assertThat(check.out()).contains(": nothing new");

    site.put("/feed", "application/rss+xml", "<rss><channel><item>");
    Run bad = pk("watch", "check");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err().strip()).startsWith("watch 1 " + site.url("/feed") + ": error: not a valid feed").doesNotContain("\n");

    assertThat(pk("watch", "remove", "1").out()).contains("removed watch 1");
    assertThat(pk("watch", "list").out()).contains("no watches");
    Run gone = pk("watch", "remove", "1");
    assertThat(gone.exit()).isEqualTo(1);
    assertThat(gone.err()).isEqualTo("pagekeep: no watch 1" + System.lineSeparator());
  }

  @Test
  void everyWatchSubcommandAnswersHelp() {
    for (String sub : List.of("add", "list", "check", "remove")) {
      Run r = Cli.run("watch", sub, "--help");
      assertThat(r.exit()).as(sub).isZero();
      assertThat(r.out()).as(sub).startsWith("Usage: pagekeep watch " + sub).contains("--help");
    }
    assertThat(Cli.run("watch", "add", "--help").out()).contains("--links").contains("--every").contains("--recapture");
  }
}
