package dev.pagekeep.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.Service;
import dev.pagekeep.config.Config;
import dev.pagekeep.config.DataDir;
import dev.pagekeep.config.FetchLimits;
import dev.pagekeep.testing.RawHttp;
import dev.pagekeep.testing.RawHttp.Reply;
import dev.pagekeep.watch.FeedTexts.Format;
import dev.pagekeep.watch.FeedTexts.Item;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Watches end to end: the real service on port 0 following feeds served by a real local origin. */
class WatchIT extends WatchHarness {

  @ParameterizedTest
  @EnumSource(Format.class)
  void aFeedWithLinksArchivesEveryEntryAndItsLinksOnceAndPicksUpANewEntry(Format format) {
    for (String p : List.of("/post/1", "/post/2", "/post/3", "/ref/a", "/ref/b", "/ref/c", "/ref/d")) site.page(p, "text of " + p);
    List<Item> items = new ArrayList<>(List.of(
        item("urn:1", "/post/1", "/ref/a", "/ref/b#section"),
        item("urn:2", "/post/2", "/ref/c", "/ref/a", "/feed", "mailto:someone@example.org")));
    String etag = format == Format.RSS ? "\"v1\"" : null;
    site.put("/feed", format.contentType, FeedTexts.write(format, "Blog", items), etag);

    JsonNode w = addWatch(Map.of("url", site.url("/feed"), "links", true, "every", "6h"));
    awaitIdle();
    assertThat(w.path("error").isMissingNode()).as(w.toString()).isTrue();
    assertThat(w.path("kind").asText()).isEqualTo(format == Format.RSS ? "rss" : format == Format.ATOM ? "atom" : "json");
    assertThat(w.path("every").asText()).isEqualTo("6h");
    assertThat(w.path("addedTotal").asLong()).as(w.toString()).isEqualTo(5);
    // The entries and every link in them, once each; the feed itself and the mailto: link are not archived.
    assertThat(snapshotUrls()).isEqualTo(urls("/post/1", "/post/2", "/ref/a", "/ref/b", "/ref/c"));
    long saves = savesMade();

    JsonNode again = check(w.path("id").asLong());
    awaitIdle();
    assertThat(savesMade()).isEqualTo(saves);
    assertThat(snapshotUrls()).hasSize(5);
    if (format == Format.RSS) {
      assertThat(again.path("lastResult").asText()).isEqualTo("not modified");
      assertThat(site.conditionalRequests).contains("/feed If-None-Match: \"v1\"");
    } else {
      assertThat(again.path("lastResult").asText()).isEqualTo("nothing new");
    }

    items.add(0, item("urn:3", "/post/3", "/ref/a", "/ref/d"));
    site.put("/feed", format.contentType, FeedTexts.write(format, "Blog", items), format == Format.RSS ? "\"v2\"" : null);
    JsonNode third = check(w.path("id").asLong());
    awaitIdle();
    // /ref/a is in the archive already: only the new post and its new link are queued.
    assertThat(third.path("lastResult").asText()).isEqualTo("1 new entry, 2 queued");
    assertThat(third.path("added")).extracting(JsonNode::asText).containsExactlyInAnyOrder(site.url("/post/3"), site.url("/ref/d"));
    assertThat(snapshotUrls()).isEqualTo(urls("/post/1", "/post/2", "/post/3", "/ref/a", "/ref/b", "/ref/c", "/ref/d"));
    assertThat(savesMade()).isEqualTo(saves + 2);
  }

  @Test
  void withoutLinksOnlyTheEntriesAreArchived() {
    site.page("/post/1", "one").page("/ref/a", "a");
    site.put("/feed", Format.RSS.contentType, FeedTexts.rss("Blog", List.of(item("urn:1", "/post/1", "/ref/a"))));
    addWatch(Map.of("url", site.url("/feed")));
    awaitIdle();
    assertThat(snapshotUrls()).isEqualTo(urls("/post/1"));
  }

  @Test
  void aPageWatchArchivesTheLinksOnThePageOnce() {
    site.page("/post/1", "one").page("/post/2", "two");
    site.put("/blog", "text/html", "<!doctype html><title>Blog</title><a href=/post/1>1</a> <a href=/post/2#c>2</a> <a href=/blog>home</a>");
    JsonNode w = addWatch(Map.of("url", site.url("/blog")));
    awaitIdle();
    assertThat(w.path("kind").asText()).isEqualTo("page");
    assertThat(snapshotUrls()).isEqualTo(urls("/post/1", "/post/2"));
    assertThat(check(w.path("id").asLong()).path("lastResult").asText()).isEqualTo("nothing new");
  }

  @Test
  void watchesAndWhatTheyHaveSeenSurviveARestart() {
    site.page("/post/1", "one");
    site.put("/feed", Format.ATOM.contentType, FeedTexts.atom("Blog", List.of(item("urn:1", "/post/1"))));
    JsonNode w = addWatch(Map.of("url", site.url("/feed"), "every", "1d", "links", true));
    awaitIdle();
    long saves = savesMade();

    restartService();

    JsonNode list = http.get("/api/watches").json().path("watches");
    assertThat(list).hasSize(1);
    JsonNode after = list.get(0);
    assertThat(after.path("id").asLong()).isEqualTo(w.path("id").asLong());
    assertThat(after.path("url").asText()).isEqualTo(site.url("/feed"));
    assertThat(after.path("links").asBoolean()).isTrue();
    assertThat(after.path("every").asText()).isEqualTo("1d");
    assertThat(after.path("lastCheck").asText()).isEqualTo(w.path("lastCheck").asText());
    assertThat(after.path("nextCheck").asText()).isEqualTo(w.path("nextCheck").asText());
    assertThat(after.path("added")).extracting(JsonNode::asText).containsExactly(site.url("/post/1"));
    assertThat(check(after.path("id").asLong()).path("lastResult").asText()).isEqualTo("nothing new");
    assertThat(savesMade()).isEqualTo(saves);
  }

  @Test
  void addingTheSameUrlTwiceGivesTheSameWatchAndRemoveForgetsIt() {
    site.put("/feed", Format.RSS.contentType, FeedTexts.rss("Blog", List.of()));
    JsonNode w = addWatch(Map.of("url", site.url("/feed")));
    Reply again = http.post("/api/watches", Map.of("url", site.url("/feed")));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().path("existing").asBoolean()).isTrue();
    assertThat(again.json().path("id").asLong()).isEqualTo(w.path("id").asLong());
    assertThat(http.delete("/api/watches/" + w.path("id").asLong()).status()).isEqualTo(200);
    assertThat(http.get("/api/watches").json().path("watches")).isEmpty();
    assertThat(http.post("/api/watches/" + w.path("id").asLong() + "/check", Map.of()).status()).isEqualTo(404);
  }

  @Test
  void badRequestsAreRefusedWithOneLine() {
    Reply r = http.post("/api/watches", Map.of("url", "file:///etc/passwd"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().path("error").path("message").asText()).contains("only http and https");
    r = http.post("/api/watches", Map.of("url", site.url("/feed"), "every", "5s"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().path("error").path("message").asText()).contains("between 1m and 366d");
    assertThat(http.get("/api/watches").json().path("watches")).isEmpty();
  }

  // ---------------------------------------------------------------- malformed feeds

  /** A watch of {@code url} ends with an error that contains {@code expected}, on one line, and queues nothing. */
  void failsWithOneLine(String url, String expected) {
    JsonNode w = addWatch(Map.of("url", url, "links", true));
    String error = w.path("error").asText();
    assertThat(error).as(w.toString()).contains(expected).doesNotContain("\n").hasSizeLessThan(300);
    assertThat(w.path("lastResult").asText()).isEqualTo("error");
    assertThat(savesMade()).isZero();
    assertThat(http.get("/api/health").status()).isEqualTo(200);
  }

  @Test
  void badXmlIsAnErrorOnTheWatch() {
    site.page("/post/1", "one");
    site.put("/feed", "application/rss+xml", "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><link>"
        + site.url("/post/1") + "</link></item><item></channel>");
    failsWithOneLine(site.url("/feed"), "not a valid feed");
  }

  @Test
  void aFiftyMegabyteFeedIsRefusedWithoutReadingIt() {
    failsWithOneLine(site.url("/huge?mb=50"), "too large: over 10 MB");
  }

  @Test
  void aFiftyMegabyteFeedWithoutLengthIsCutAtTheCap() {
    failsWithOneLine(site.url("/huge?mb=50&chunked=1"), "too large: over 10 MB");
  }

  @Test
  void aBillionLaughsFeedIsRefusedWithoutExpandingAnything() {
    String lol = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n <!ENTITY lol \"lol\">\n"
        + " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        + " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
        + " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        + " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
        + " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
        + " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
        + " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
        + " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
        + " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
        + " <!ENTITY ext SYSTEM \"" + site.url("/secret") + "\">\n]>\n"
        + "<rss version=\"2.0\"><channel><title>&lol9;</title><item><link>" + site.url("/post/1") + "</link>"
        + "<description>&ext;</description></item></channel></rss>";
    site.page("/post/1", "one").page("/secret", "secret");
    site.put("/feed", "application/rss+xml", lol);
    failsWithOneLine(site.url("/feed"), "DOCTYPE");
    assertThat(site.paths).contains("/feed").doesNotContain("/secret", "/post/1");
  }

  @Test
  void aFeedThatLinksOnlyToItselfIsAnError() {
    String feed = site.url("/feed");
    site.put("/feed", "application/rss+xml", FeedTexts.rss("Loop", List.of(
        new Item("urn:1", feed, "me", "<a href=\"" + feed + "\">me again</a>"),
        new Item("urn:2", feed + "#top", "me", "<a href=\"" + feed + "\">me again</a>"))));
    failsWithOneLine(feed, "links only to itself");
  }

  @Test
  void somethingThatIsNeitherAFeedNorAPageIsAnError() {
    site.put("/feed", "application/json", "{\"hello\":\"world\"}");
    failsWithOneLine(site.url("/feed"), "not a JSON Feed");
  }
}
