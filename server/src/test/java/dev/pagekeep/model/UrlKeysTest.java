package dev.pagekeep.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UrlKeysTest {
  @Test
  void hashUrlMatchesTheSeedCacheHeader() {
    // From shared/seeds/000_452ccad8b737f2ef.txt: "url: http://pawelmhm.github.io/... hash_url: 44abc2fd41"
    String url = "http://pawelmhm.github.io/asyncio/python/aiohttp/2016/04/22/asyncio-aiohttp.html";
    assertThat(UrlKeys.hashUrl(url)).isEqualTo("44abc2fd41");
    assertThat(UrlKeys.urlKey(url)).hasSize(32).startsWith("44abc2fd41");
  }

  @Test
  void fragmentDoesNotChangeTheKey() {
    assertThat(UrlKeys.urlKey("https://a.example/x#part")).isEqualTo(UrlKeys.urlKey("https://a.example/x"));
  }

  @Test
  void variantsOfOneAddressNormaliseTogether() {
    String n = UrlKeys.normalize("https://example.com/a?b=1");
    assertThat(UrlKeys.normalize("http://EXAMPLE.com:80/a?b=1")).isEqualTo(n);
    assertThat(UrlKeys.normalize("https://example.com:443/a?b=1#frag")).isEqualTo(n);
    assertThat(UrlKeys.normalize("https://example.com")).isEqualTo(UrlKeys.normalize("http://example.com/"));
    assertThat(UrlKeys.normalize("https://example.com/a?")).isEqualTo(UrlKeys.normalize("https://example.com/a"));
    assertThat(UrlKeys.normalize("https://example.com:8443/a")).isNotEqualTo(UrlKeys.normalize("https://example.com/a"));
  }

  @Test
  void refusesWhatCannotBeArchivedWithAReason() {
    assertThatThrownBy(() -> UrlKeys.validate("file:///etc/passwd")).hasMessageContaining("only http and https");
    assertThatThrownBy(() -> UrlKeys.validate("javascript:alert(1)")).hasMessageContaining("only http and https");
    assertThatThrownBy(() -> UrlKeys.validate("not a url")).hasMessageContaining("not");
    assertThatThrownBy(() -> UrlKeys.validate("http://")).isInstanceOf(InvalidUrlException.class);
    assertThatThrownBy(() -> UrlKeys.validate("")).hasMessageContaining("empty");
    assertThat(UrlKeys.validate("  https://ok.example/p#x ")).isEqualTo("https://ok.example/p");
  }

  @Test
  void waybackTimestampPrefixesAreAccepted() {
    assertThat(Timestamps.isTimestamp("2024")).isTrue();
    assertThat(Timestamps.pad("2024")).isEqualTo("20240101000000");
    assertThat(Timestamps.isTimestamp("20241399000000")).isFalse();
    assertThat(Timestamps.isTimestamp("http:")).isFalse();
    assertThat(Timestamps.isFull("20240101000000")).isTrue();
    assertThat(Timestamps.isFull("2024")).isFalse();
    assertThat(Timestamps.isFull("20241399000000")).isFalse();
  }

  @Test
  void refusesUrlsWithCredentialsWithoutRepeatingThem() {
    for (String url : new String[] {"http://user:secret@example.org/", "https://user@example.org/a", "http://:secret@example.org",
        "http://a@b@example.org/"}) {
      InvalidUrlException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidUrlException.class, () -> UrlKeys.validate(url));
      org.assertj.core.api.Assertions.assertThat(e.getMessage()).as(url).contains("user name or password").doesNotContain("secret");
    }
    org.assertj.core.api.Assertions.assertThat(UrlKeys.validate("https://example.org/a@b?c=d@e")).isEqualTo("https://example.org/a@b?c=d@e");
  }

  @Test
  void acceptsWhatTheBrowserAndOkHttpAccept() {
    // Refused before (java.net.URI): "Illegal character in query/path", and "no host" for an IDN.
    assertThat(UrlKeys.validate("http://h.example/x?q=a|b")).isEqualTo("http://h.example/x?q=a|b");
    assertThat(UrlKeys.validate("http://h.example/x?q={1}")).isEqualTo("http://h.example/x?q={1}");
    assertThat(UrlKeys.validate("http://h.example/a b?c d#f g")).isEqualTo("http://h.example/a%20b?c%20d");
    assertThat(UrlKeys.validate("https://bücher.example/seite")).isEqualTo("https://xn--bcher-kva.example/seite");
    assertThat(UrlKeys.validate("https://BÜCHER.example")).isEqualTo("https://xn--bcher-kva.example/");
    // The saved form is what OkHttp requests, so the fetcher and a link in another page agree.
    assertThat(okhttp3.HttpUrl.get(UrlKeys.validate("http://h.example/a b")).toString()).isEqualTo("http://h.example/a%20b");
  }

  @Test
  void aUrlTheSeedAcceptedKeepsItsUrlAndItsKey() {
    // Saved exactly as given (less the fragment): the MD5 key of every existing URL is unchanged.
    for (String url : new String[] {"http://pawelmhm.github.io/asyncio/python/aiohttp/2016/04/22/asyncio-aiohttp.html",
        "HTTP://Example.COM", "http://example.com:80/a/../b?", "https://example.com/%7Euser?x=%41&b=2",
        "http://example.com/caf%C3%A9"}) {
      assertThat(UrlKeys.validate(url + "#frag")).as(url).isEqualTo(url);
      assertThat(UrlKeys.urlKey(UrlKeys.validate(url))).isEqualTo(UrlKeys.urlKey(url));
    }
    assertThat(UrlKeys.hashUrl(UrlKeys.validate("http://pawelmhm.github.io/asyncio/python/aiohttp/2016/04/22/asyncio-aiohttp.html")))
        .isEqualTo("44abc2fd41");
  }

  @Test
  void refusesWhatOkHttpCannotFetchWithAOneLineReason() {
    assertThatThrownBy(() -> UrlKeys.validate("http://exa mple.com/")).hasMessageContaining("host").hasMessageNotContaining("\n");
    assertThatThrownBy(() -> UrlKeys.validate("http://example.com:99999/")).hasMessageContaining("not a valid URL");
    assertThatThrownBy(() -> UrlKeys.validate("https://user:secret@bücher.example/")).hasMessageContaining("user name or password")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> UrlKeys.validate("ftp://example.com/")).hasMessageContaining("only http and https");
  }

  @Test
  void variantsMeetInASurtFormThatKeepsPathCase() {
    assertThat(UrlKeys.normalize("https://example.com/a?b=1")).isEqualTo("com,example)/a?b=1");
    assertThat(UrlKeys.normalize("https://bücher.example/a b")).isEqualTo("example,xn--bcher-kva)/a%20b")
        .isEqualTo(UrlKeys.normalize("http://xn--bcher-kva.example/a%20b"));
    assertThat(UrlKeys.normalize("http://127.0.0.1:8080/x?q=a|b")).isEqualTo("127.0.0.1:8080)/x?q=a|b");
    assertThat(UrlKeys.normalize("https://example.com/A")).isNotEqualTo(UrlKeys.normalize("https://example.com/a"));
    assertThat(UrlKeys.normalize("https://example.com/a?b=1&c=2")).isNotEqualTo(UrlKeys.normalize("https://example.com/a?c=2&b=1"));
    // Not an http(s) URL: matches itself only, never a lower-cased guess.
    assertThat(UrlKeys.normalize("Not A URL")).isEqualTo("Not A URL");
  }
}
