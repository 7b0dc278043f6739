package dev.pagekeep.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * The data directory and the files the contract names in it. Resolution order:
 * an explicit {@code --data} path, {@code $PAGEKEEP_HOME}, {@code $XDG_DATA_HOME/pagekeep},
 * {@code ~/.local/share/pagekeep}.
 */
public final class DataDir {
  private final Path root;

  private DataDir(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public static DataDir resolve(Path explicitOrNull) {
    return resolve(explicitOrNull, System.getenv(), System.getProperty("user.home"));
  }

  static DataDir resolve(Path explicitOrNull, Map<String, String> env, String userHome) {
    if (explicitOrNull != null) return new DataDir(explicitOrNull);
    String home = env.get("PAGEKEEP_HOME");
    if (home != null && !home.isBlank()) return new DataDir(Path.of(home));
    String xdg = env.get("XDG_DATA_HOME");
    if (xdg != null && !xdg.isBlank()) return new DataDir(Path.of(xdg, "pagekeep"));
    return new DataDir(Path.of(userHome, ".local", "share", "pagekeep"));
  }

  public Path root() { return root; }
  public Path storeFile() { return root.resolve("archive.db"); }
  public Path tokenFile() { return root.resolve("token"); }
  public Path serviceFile() { return root.resolve("service.json"); }
  public Path logFile() { return root.resolve("service.log"); }
  public Path lockFile() { return root.resolve("serve.lock"); }
  public Path searchDir() { return root.resolve("search"); }

  /** Creates the directory (0700: it holds a person's reading history). */
  public DataDir create() {
    try {
      Files.createDirectories(root);
      try {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system; nothing more we can do
      }
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data directory " + root + ": " + e.getMessage(), e);
    }
  }

  /** Reads the API token, creating it (random 256 bits, mode 0600) on first use. */
  public String readOrCreateToken() {
    Path file = tokenFile();
    try {
      if (Files.exists(file)) {
        String token = Files.readString(file).trim();
        if (!token.isEmpty()) return token;
      }
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      String token = HexFormat.of().formatHex(bytes);
      Path tmp = Files.createTempFile(root, "token", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, token + "\n");
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      return token;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create token file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads the token if it exists, without creating it. */
  public String readToken() {
    try {
      return Files.exists(tokenFile()) ? Files.readString(tokenFile()).trim() : null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read token file " + tokenFile() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() { return root.toString(); }
}
