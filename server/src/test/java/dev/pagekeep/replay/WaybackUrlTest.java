package dev.pagekeep.replay;

import dev.pagekeep.replay.WaybackUrl.Modifier;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WaybackUrlTest {
  @Test
  void readsTimestampModifierAndUrl() {
    WaybackUrl w = WaybackUrl.parse("20260101120000mp_/https://example.org/a/b?q=1&r=2");
    assertThat(w.timestamp()).isEqualTo("20260101120000");
    assertThat(w.modifier()).isEqualTo(Modifier.MP);
    assertThat(w.url()).isEqualTo("https://example.org/a/b?q=1&r=2");

    for (Modifier m : Modifier.values()) {
      WaybackUrl back = WaybackUrl.parse(new WaybackUrl("2026", m, "http://x/").path());
      assertThat(back).isEqualTo(new WaybackUrl("2026", m, "http://x/"));
    }
  }

  @Test
  void withoutTimestampItIsTheNewestInTheReplayPage() {
    assertThat(WaybackUrl.parse("/web/https://example.org/")).isEqualTo(WaybackUrl.newest("https://example.org/"));
    assertThat(WaybackUrl.newest("https://example.org/").path()).isEqualTo("/web/https://example.org/");
    assertThat(WaybackUrl.parse("2026/http://x/").modifier()).isEqualTo(Modifier.NONE);
  }

  @Test
  void formatsEveryRole() {
    assertThat(WaybackUrl.framed("20260101120000", "http://x/p").path()).isEqualTo("/web/20260101120000/http://x/p");
    assertThat(new WaybackUrl("20260101120000", Modifier.IM, "http://x/i.png").path()).isEqualTo("/web/20260101120000im_/http://x/i.png");
    assertThat(WaybackUrl.framed("20260101120000", "http://x/p").with(Modifier.ID).path()).isEqualTo("/web/20260101120000id_/http://x/p");
    assertThat(WaybackUrl.framed("2026", "http://x/p").at("20270101000000").path()).isEqualTo("/web/20270101000000/http://x/p");
    assertThatThrownBy(() -> new WaybackUrl(null, Modifier.MP, "http://x/")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unknownModifiersReadAsThePageAloneAndNonTimestampsAsUrl() {
    assertThat(WaybackUrl.parse("20260101120000zz_/http://x/").modifier()).isEqualTo(Modifier.MP);
    assertThat(WaybackUrl.parse("20260101120000IM_/http://x/").modifier()).isEqualTo(Modifier.IM);
    // Not a timestamp (too short, a bad month, letters): the whole rest is the URL.
    assertThat(WaybackUrl.parse("123/http://x/")).isEqualTo(WaybackUrl.newest("123/http://x/"));
    assertThat(WaybackUrl.parse("20261399000000/http://x/").timestamp()).isNull();
    assertThat(WaybackUrl.parse("20260132000000/http://x/").timestamp()).isNull();
    assertThat(WaybackUrl.parse("abc_/http://x/").timestamp()).isNull();
    assertThat(WaybackUrl.parse("")).isEqualTo(WaybackUrl.newest(""));
  }

  @Test
  void repairsCollapsedSchemeSlashes() {
    assertThat(WaybackUrl.parse("20260101120000/https:/example.org/a").url()).isEqualTo("https://example.org/a");
    assertThat(WaybackUrl.parse("http:/example.org/").url()).isEqualTo("http://example.org/");
    assertThat(WaybackUrl.parse("https://example.org//a//b").url()).isEqualTo("https://example.org//a//b");
  }
}
