package dev.pagekeep.capture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SrcsetTest {
  @Test
  void parsesCandidatesWithCommasInsideUrlsAndDescriptors() {
    assertThat(Srcset.parse(" a.png 1x,b,c.png 2x ,\n d.png, e.png 100w"))
        .extracting(Srcset.Candidate::url).containsExactly("a.png", "b,c.png", "d.png", "e.png");
    assertThat(Srcset.parse("a.png 1x, b.png 2x")).extracting(Srcset.Candidate::descriptor).containsExactly("1x", "2x");
  }

  @Test
  void rewritesEachCandidateAndCapsTheirNumber() {
    assertThat(Srcset.rewrite("a.png 1x, b.png 2x", u -> "/w/" + u)).isEqualTo("/w/a.png 1x, /w/b.png 2x");
    assertThat(Srcset.rewrite("a.png 1x, b.png 2x", u -> u.startsWith("a") ? null : u)).isEqualTo("b.png 2x");
    assertThat(Srcset.parse("x.png 1x, ".repeat(10_000))).hasSize(Srcset.MAX_CANDIDATES);
  }
}
