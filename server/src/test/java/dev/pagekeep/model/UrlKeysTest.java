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
}
