package dev.pagekeep.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {
  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  }

  @Test
  void aCapabilityOpensReplayUntilItExpiresAndOnlyForTheRunThatMadeIt() {
    MovableClock clock = new MovableClock();
    Capabilities caps = new Capabilities(clock);
    String cap = caps.mint();
    assertThat(caps.isValid(cap)).isTrue();
    assertThat(Capabilities.expiry(cap)).isEqualTo(clock.now.plus(Capabilities.TTL).getEpochSecond());
    clock.now = clock.now.plus(Capabilities.TTL).minusSeconds(1);
    assertThat(caps.isValid(cap)).isTrue();
    clock.now = clock.now.plusSeconds(1);
    assertThat(caps.isValid(cap)).as("expired").isFalse();
    // Another run of the service (another key) refuses this run's capabilities.
    MovableClock early = new MovableClock();
    assertThat(new Capabilities(early).isValid(new Capabilities(early).mint())).isFalse();
    Capabilities mine = new Capabilities(early);
    String c = mine.mint();
    String later = (Capabilities.expiry(c) + 3600) + c.substring(c.indexOf('.'));
    assertThat(mine.isValid(later)).as("a moved expiry").isFalse();
    for (String junk : new String[] {null, "", ".", "1.", ".abc", "x.y", "99999999999999999999.a", c + c}) {
      assertThat(mine.isValid(junk)).as(String.valueOf(junk)).isFalse();
    }
  }

  @Test
  void aSessionOpensTheApiOnlyWithItsKeyAndTicketsWorkOnce() {
    MovableClock clock = new MovableClock();
    Sessions sessions = new Sessions("t".repeat(40), clock);
    Sessions.Login login = sessions.login(sessions.newLoginCode());
    assertThat(sessions.isSession(login.session())).isTrue();
    assertThat(sessions.isBound(login.session(), login.key())).isTrue();
    assertThat(sessions.isBound(login.session(), null)).isFalse();
    assertThat(sessions.isBound(login.session(), login.session())).isFalse();
    assertThat(sessions.isBound(login.key(), login.key())).isFalse();
    String ticket = sessions.newTicket();
    assertThat(sessions.redeemTicket(ticket)).isTrue();
    assertThat(sessions.redeemTicket(ticket)).isFalse();
    String late = sessions.newTicket();
    clock.now = clock.now.plus(Sessions.TICKET_TTL).plusSeconds(1);
    assertThat(sessions.redeemTicket(late)).isFalse();
    clock.now = clock.now.plus(Sessions.SESSION_TTL);
    assertThat(sessions.isBound(login.session(), login.key())).as("the session expired").isFalse();
    assertThat(Sessions.SESSION_TTL).isLessThanOrEqualTo(Duration.ofHours(12));
  }
}
