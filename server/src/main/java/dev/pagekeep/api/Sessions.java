package dev.pagekeep.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may use the service: holders of the API token, and browsers that logged in through a
 * one-time login link and got a session cookie. Every secret comparison runs in constant time.
 * One-time codes expire after a few minutes and work once, so a login link left in a terminal
 * scroll-back or a log is worthless after use.
 */
public final class Sessions {
  static final Duration LOGIN_CODE_TTL = Duration.ofMinutes(10);
  static final Duration SESSION_TTL = Duration.ofDays(7);

  private final byte[] token;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Instant> loginCodes = new ConcurrentHashMap<>();
  private final Map<String, Instant> sessions = new ConcurrentHashMap<>();

  public Sessions(String token, Clock clock) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
  }

  public boolean isToken(String candidate) {
    return candidate != null && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
  }

  /** A new one-time code for {@code /login?token=...}. */
  public String newLoginCode() {
    purge();
    String code = randomHex();
    loginCodes.put(code, clock.instant().plus(LOGIN_CODE_TTL));
    return code;
  }

  /**
   * Exchanges a one-time code for a session id; null when refused. The API token itself is not
   * accepted here: a login URL ends up in browser history and logs, and one carrying the
   * long-lived token would work for anyone who reads it, forever.
   */
  public String login(String code) {
    if (code == null) return null;
    byte[] candidate = code.getBytes(StandardCharsets.UTF_8);
    boolean ok = false;
    // Look the code up by constant-time comparison against each live code, then burn it.
    for (Map.Entry<String, Instant> e : loginCodes.entrySet()) {
      if (MessageDigest.isEqual(e.getKey().getBytes(StandardCharsets.UTF_8), candidate)
          && loginCodes.remove(e.getKey()) != null && e.getValue().isAfter(clock.instant())) {
        ok = true;
        break;
      }
    }
    if (!ok) return null;
    String session = randomHex();
    sessions.put(session, clock.instant().plus(SESSION_TTL));
    return session;
  }

  public boolean isSession(String id) {
    if (id == null) return false;
    Instant expiry = sessions.get(id);
    return expiry != null && expiry.isAfter(clock.instant());
  }

  public void logout(String id) {
    if (id != null) sessions.remove(id);
  }

  private void purge() {
    Instant now = clock.instant();
    loginCodes.values().removeIf(t -> t.isBefore(now));
    sessions.values().removeIf(t -> t.isBefore(now));
  }

  private String randomHex() {
    byte[] b = new byte[24];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
