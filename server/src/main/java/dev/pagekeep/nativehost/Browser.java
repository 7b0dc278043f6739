package dev.pagekeep.nativehost;

import java.nio.file.Path;
import java.util.Locale;

/** The browsers {@code install-host} knows, and where each reads native host manifests. */
public enum Browser {
  CHROME("google-chrome", "Google/Chrome"),
  CHROMIUM("chromium", "Chromium"),
  FIREFOX(null, null);

  private final String linuxConfigDir;
  private final String macAppSupportDir;

  Browser(String linuxConfigDir, String macAppSupportDir) {
    this.linuxConfigDir = linuxConfigDir;
    this.macAppSupportDir = macAppSupportDir;
  }

  /** Parses {@code chrome}, {@code chromium} or {@code firefox}, ignoring case. */
  public static Browser parse(String name) {
    for (Browser b : values()) {
      if (b.name().equalsIgnoreCase(name)) return b;
    }
    throw new IllegalArgumentException("unknown browser \"" + name + "\"; use chrome, chromium or firefox");
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isChromium() {
    return this != FIREFOX;
  }

  /**
   * The directory this browser reads native host manifests from for the current user.
   *
   * @param home the user's home directory
   * @param os the value of {@code os.name}
   * @param userDataDir a {@code --user-data-dir} the browser is started with, or null
   * @throws IllegalArgumentException on an operating system or combination not supported
   */
  public Path manifestDir(Path home, String os, Path userDataDir) {
    String lower = os.toLowerCase(Locale.ROOT);
    if (userDataDir != null) {
      if (!isChromium()) {
        throw new IllegalArgumentException("--user-data-dir applies to chrome and chromium only; Firefox profiles read the per-user directory");
      }
      return userDataDir.toAbsolutePath().resolve("NativeMessagingHosts");
    }
    if (lower.contains("win")) {
      throw new IllegalArgumentException("on Windows, native hosts are registered in the registry; install-host supports Linux and macOS");
    }
    boolean mac = lower.contains("mac") || lower.contains("darwin");
    if (this == FIREFOX) {
      return mac ? home.resolve("Library/Application Support/Mozilla/NativeMessagingHosts")
          : home.resolve(".mozilla/native-messaging-hosts");
    }
    return mac ? home.resolve("Library/Application Support").resolve(macAppSupportDir).resolve("NativeMessagingHosts")
        : home.resolve(".config").resolve(linuxConfigDir).resolve("NativeMessagingHosts");
  }
}
