package dev.pagekeep.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reading feeds and pages from inline bytes: each format, relative links, and what is refused. */
class FeedsTest {
  private static final String BASE = "http://blog.test/feed";

  private static Feed read(String body, String type) throws FeedException {
    return Feeds.read(body.getBytes(StandardCharsets.UTF_8), type, BASE);
  }

  @Test
  void rss1EntriesAreReadWithTheirLinks() throws FeedException {
    Feed f = read("<?xml version=\"1.0\"?><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\">"
        + "<channel rdf:about=\"http://blog.test/\"><title>R</title><link>http://blog.test/</link><description>d</description></channel>"
        + "<item rdf:about=\"http://blog.test/a\"><title>A</title><link>http://blog.test/a</link></item></rdf:RDF>", "application/rdf+xml");
    assertThat(f.kind()).isEqualTo("rdf");
    assertThat(f.entries()).extracting(Feed.Entry::url).containsExactly("http://blog.test/a");
  }

  @Test
  void atomRelativeLinksResolveAgainstTheFeedAndAnEntryWithoutIdIsKeyedByItsLink() throws FeedException {
    Feed f = read("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>T</title>"
        + "<entry><title>A</title><link href=\"/posts/a#top\"/><summary type=\"html\">&lt;a href=\"../b\"&gt;b&lt;/a&gt;</summary></entry></feed>",
        "application/atom+xml");
    assertThat(f.kind()).isEqualTo("atom");
    Feed.Entry e = f.entries().get(0);
    assertThat(e.url()).isEqualTo("http://blog.test/posts/a");
    assertThat(e.key()).isEqualTo("http://blog.test/posts/a");
    assertThat(Feeds.links(e.contentHtml(), e.url())).containsExactly("http://blog.test/b");
  }

  @Test
  void aJsonFeedItemWithOnlyAnExternalUrlIsArchivedThere() throws FeedException {
    Feed f = read("{\"version\":\"https://jsonfeed.org/version/1\",\"title\":\"J\",\"items\":[{\"id\":\"7\",\"external_url\":\"https://elsewhere.test/x\","
        + "\"content_html\":\"<a href='javascript:alert(1)'>no</a><a href='https://elsewhere.test/y'>yes</a>\"}, 5]}", "application/json");
    assertThat(f.kind()).isEqualTo("json");
    assertThat(f.entries()).singleElement().satisfies(e -> {
      assertThat(e.key()).isEqualTo("7");
      assertThat(e.url()).isEqualTo("https://elsewhere.test/x");
      assertThat(Feeds.links(e.contentHtml(), e.url())).containsExactly("https://elsewhere.test/y");
    });
  }

  @Test
  void anHtmlPageIsItsLinks() throws FeedException {
    Feed f = read("<!doctype html><title>Blog</title><a href=/a>a</a><a href='mailto:x@y.test'>m</a><a href=/a#again>a</a>", "text/html");
    assertThat(f.kind()).isEqualTo("page");
    assertThat(f.title()).isEqualTo("Blog");
    assertThat(f.entries()).extracting(Feed.Entry::url).containsExactly("http://blog.test/a");
  }

  @Test
  void whatCannotBeReadIsRefusedWithOneLine() {
    assertThatThrownBy(() -> read("", "application/rss+xml")).isInstanceOf(FeedException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> read("%PDF-1.4", "application/pdf")).hasMessage("not a feed or an HTML page (content type application/pdf)");
    assertThatThrownBy(() -> read("{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":{}}", "application/feed+json"))
        .hasMessageContaining("\"items\" is not a list");
    assertThatThrownBy(() -> read("{" + "[".repeat(5000), "application/json")).hasMessageStartingWith("not a valid JSON Feed");
    assertThatThrownBy(() -> read("<?xml version=\"1.0\"?>\n<!DOCTYPE rss SYSTEM \"http://evil.test/x.dtd\">\n<rss version=\"2.0\"/>", "text/xml"))
        .hasMessageContaining("DOCTYPE");
    assertThatThrownBy(() -> read("<rss version=\"2.0\"><channel>\n<item>\n", "text/xml"))
        .hasMessageStartingWith("not a valid feed").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
