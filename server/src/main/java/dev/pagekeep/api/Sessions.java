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
 *
 * <p>A session is two secrets: the cookie (sent by the browser with every request to the UI's host,
 * on any port) and a key that only the UI's page holds (handed over once, in the fragment of the
 * login redirect, kept in its localStorage, and sent as {@value #KEY_HEADER} with every API fetch).
 * The cookie alone, which any local listener the browser visits can collect, opens no API call.
 * Export downloads, plain navigations that cannot send the header, use one-time tickets.
 */
public final class Sessions {
  static final Duration LOGIN_CODE_TTL = Duration.ofMinutes(10);
  static final Duration SESSION_TTL = Duration.ofHours(12);
  static final Duration TICKET_TTL = Duration.ofMinutes(1);
  /** The header that carries a session's key on the UI's API fetches. */
  public static final String KEY_HEADER = "X-Pagekeep-Key";

  private final byte[] token;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Instant> loginCodes = new ConcurrentHashMap<>();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Map<String, Instant> tickets = new ConcurrentHashMap<>();

  private record Session(Instant expiry, byte[] key) {}

  /** What a login gives: the cookie's value and the key the UI keeps. */
  public record Login(String session, String key) {}

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
  public Login login(String code) {
    if (!redeem(loginCodes, code)) return null;
    String session = randomHex();
    String key = randomHex();
    sessions.put(session, new Session(clock.instant().plus(SESSION_TTL), key.getBytes(StandardCharsets.UTF_8)));
    return new Login(session, key);
  }

  /** Whether {@code id} is a live session (the cookie); what it opens alone is the UI's static pages. */
  public boolean isSession(String id) {
    if (id == null) return false;
    Session s = sessions.get(id);
    return s != null && s.expiry().isAfter(clock.instant());
  }

  /** Whether {@code key} is the key of live session {@code id}: what the API asks of a browser. */
  public boolean isBound(String id, String key) {
    if (id == null || key == null) return false;
    Session s = sessions.get(id);
    return s != null && s.expiry().isAfter(clock.instant())
        && MessageDigest.isEqual(s.key(), key.getBytes(StandardCharsets.UTF_8));
  }

  /** A one-time ticket for one plain navigation of the API (an export download), valid for {@link #TICKET_TTL}. */
  public String newTicket() {
    purge();
    String ticket = randomHex();
    tickets.put(ticket, clock.instant().plus(TICKET_TTL));
    return ticket;
  }

  /** Burns {@code ticket}; true when it was live. */
  public boolean redeemTicket(String ticket) {
    return redeem(tickets, ticket);
  }

  /** Looks a one-time code up by constant-time comparison against each live one, then burns it. */
  private boolean redeem(Map<String, Instant> codes, String code) {
    if (code == null) return false;
    byte[] candidate = code.getBytes(StandardCharsets.UTF_8);
    for (Map.Entry<String, Instant> e : codes.entrySet()) {
      if (MessageDigest.isEqual(e.getKey().getBytes(StandardCharsets.UTF_8), candidate)
          && codes.remove(e.getKey()) != null && e.getValue().isAfter(clock.instant())) {
        return true;
      }
    }
    return false;
  }

  public void logout(String id) {
    if (id != null) sessions.remove(id);
  }

  private void purge() {
    Instant now = clock.instant();
    loginCodes.values().removeIf(t -> t.isBefore(now));
    sessions.values().removeIf(s -> s.expiry().isBefore(now));
    tickets.values().removeIf(t -> t.isBefore(now));
  }

  private String randomHex() {
    byte[] b = new byte[24];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
