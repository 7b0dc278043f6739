package dev.pagekeep.capture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrlsTest {
  @Test
  void resolvesEachReferenceAgainstItsOwnBaseWhenBasesAlternate() {
    // Each thread keeps the last base it parsed: a different base must not resolve against the old one.
    assertThat(Urls.resolveHttp("https://a.example/docs/x.html", "y.html#part")).isEqualTo("https://a.example/docs/y.html");
    assertThat(Urls.resolveHttp("http://b.example/", "../up.css")).isEqualTo("http://b.example/up.css");
    assertThat(Urls.resolveHttp("https://a.example/docs/x.html", "/root")).isEqualTo("https://a.example/root");
    assertThat(Urls.resolve("https://a.example/docs/x.html", "z#f")).isEqualTo("https://a.example/docs/z#f");
    assertThat(Urls.resolveHttp("https://bücher.example/a/", "b")).isEqualTo("https://xn--bcher-kva.example/a/b");
  }

  @Test
  void keepsOnlyHttpWithoutCredentials() {
    String base = "https://a.example/p";
    assertThat(Urls.resolveHttp(base, "https://user:pw@b.example/x")).isNull();
    assertThat(Urls.resolveHttp(base, "//user@b.example/x")).isNull();
    assertThat(Urls.resolveHttp(base, "mailto:someone@a.example")).isNull();
    assertThat(Urls.resolveHttp(base, "data:image/png;base64,AAAA")).isNull();
    assertThat(Urls.resolveHttp(base, "  \t")).isNull();
    assertThat(Urls.resolveHttp(base, null)).isNull();
    assertThat(Urls.resolveHttp(base, " q?a=b|c ")).isEqualTo("https://a.example/q?a=b|c");
    assertThat(Urls.resolveHttp(null, "https://c.example/x")).isEqualTo("https://c.example/x");
  }
}
