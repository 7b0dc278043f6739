package dev.pagekeep.api;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived capabilities for the replay origin: {@code {expiry}.{mac}}, where {@code expiry} is in
 * epoch seconds and {@code mac} is HMAC-SHA256 over the scope and the expiry, keyed by a secret made
 * for this run of the service (a restart revokes every capability). A capability opens replay on
 * {@code http://localhost:PORT/c/{capability}/...} and nothing else: it is never accepted by the API,
 * and no cookie of the UI reaches that origin. Verification runs in constant time.
 */
final class Capabilities {
  static final Duration TTL = Duration.ofHours(1);
  private static final String SCOPE = "pagekeep-replay:";

  private final SecretKeySpec key;
  private final Clock clock;

  Capabilities(Clock clock) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    this.key = new SecretKeySpec(secret, "HmacSHA256");
    this.clock = clock;
  }

  /** A new capability valid for {@link #TTL}. */
  String mint() {
    long expiry = clock.instant().plus(TTL).getEpochSecond();
    return expiry + "." + mac(expiry);
  }

  /** Whether {@code capability} was minted by this run and has not expired. */
  boolean isValid(String capability) {
    if (capability == null || capability.length() > 80) return false;
    int dot = capability.indexOf('.');
    if (dot < 1 || dot > 12) return false;
    long expiry;
    try {
      expiry = Long.parseLong(capability.substring(0, dot));
    } catch (NumberFormatException e) {
      return false;
    }
    boolean macOk = MessageDigest.isEqual(mac(expiry).getBytes(StandardCharsets.US_ASCII),
        capability.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
    return macOk && expiry > clock.instant().getEpochSecond();
  }

  /** When {@code capability} (valid) expires, in epoch seconds. */
  static long expiry(String capability) {
    return Long.parseLong(capability.substring(0, capability.indexOf('.')));
  }

  private String mac(long expiry) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      byte[] sum = m.doFinal((SCOPE + expiry).getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(sum);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this Java runtime", e);
    }
  }
}
