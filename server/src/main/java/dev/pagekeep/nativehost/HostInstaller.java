package dev.pagekeep.nativehost;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes (or removes) the native host manifest {@code dev.pagekeep.host.json} and the launcher
 * script it points to. The launcher has absolute paths to the Java runtime and the jar baked in,
 * because browsers start hosts with whatever environment they have, often without a useful PATH.
 */
public final class HostInstaller {
  /** The host name of the contract; also the manifest's file name without {@code .json}. */
  public static final String HOST_NAME = "dev.pagekeep.host";
  /** The id Chromium derives from the {@code "key"} pinned in {@code extension/manifest.json}. */
  public static final String EXTENSION_ID = "jajhiedogdgfbfhklbcligfhocfhfepg";
  /** The add-on id in {@code browser_specific_settings.gecko.id} of the extension's manifest. */
  public static final String FIREFOX_ADDON_ID = "pagekeep@pagekeep.dev";
  /**
   * JVM flags for the host: C1 only, serial GC and CDS start a small JVM fastest; the last three
   * send the JVM's own warnings and logging to stderr, since stdout carries protocol frames only.
   */
  public static final List<String> JVM_FLAGS = List.of(
      "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-XX:-UsePerfData",
      "-Xss512k", "-Xmx512m", "-XX:+DisplayVMOutputToStderr", "-Xlog:disable", "-Xlog:all=warning:stderr");
  static final String LAUNCHER_NAME = "pagekeep-native-host";

  private static final Pattern CHROMIUM_ID = Pattern.compile("[a-p]{32}");
  private static final Pattern FIREFOX_ID = Pattern.compile("[A-Za-z0-9._+-]*@[A-Za-z0-9._-]+|\\{[0-9a-fA-F-]{36}}");

  /** What to install. {@code dataDir} is baked in as PAGEKEEP_HOME when not null. */
  public record Request(Browser browser, Path manifestDir, List<String> extensionIds,
      Path javaExecutable, Path jar, Path dataDir) {}

  /** The files written. */
  public record Installed(Path manifest, Path launcher, String manifestJson) {}

  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public Installed install(Request r) throws IOException {
    List<String> ids = r.extensionIds().isEmpty()
        ? List.of(r.browser().isChromium() ? EXTENSION_ID : FIREFOX_ADDON_ID) : r.extensionIds();
    for (String id : ids) validateId(r.browser(), id);
    Files.createDirectories(r.manifestDir());
    Path launcher = r.manifestDir().resolve(LAUNCHER_NAME);
    writeAtomically(launcher, launcherScript(r.javaExecutable(), r.jar(), r.dataDir()));
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    String manifestJson = manifest(r.browser(), launcher, ids);
    Path manifest = r.manifestDir().resolve(HOST_NAME + ".json");
    writeAtomically(manifest, manifestJson);
    Files.setPosixFilePermissions(manifest, PosixFilePermissions.fromString("rw-r--r--"));
    return new Installed(manifest, launcher, manifestJson);
  }

  /** Removes the manifest and launcher from {@code manifestDir}; returns what existed and was removed. */
  public List<Path> uninstall(Path manifestDir) throws IOException {
    List<Path> removed = new ArrayList<>();
    for (Path p : List.of(manifestDir.resolve(HOST_NAME + ".json"), manifestDir.resolve(LAUNCHER_NAME))) {
      if (Files.deleteIfExists(p)) removed.add(p);
    }
    return removed;
  }

  /** The manifest text: name, description, absolute launcher path, stdio, and who may call. */
  String manifest(Browser browser, Path launcher, List<String> ids) {
    ObjectNode m = json.createObjectNode();
    m.put("name", HOST_NAME);
    m.put("description", "pagekeep: archive pages from the browser into your own Wayback Machine");
    m.put("path", launcher.toAbsolutePath().toString());
    m.put("type", "stdio");
    ArrayNode allowed = m.putArray(browser.isChromium() ? "allowed_origins" : "allowed_extensions");
    for (String id : ids) allowed.add(browser.isChromium() ? "chrome-extension://" + id + "/" : id);
    try {
      return json.writeValueAsString(m) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the manifest", e);
    }
  }

  /** A POSIX shell launcher with the Java runtime, flags and jar baked in; browser arguments pass through. */
  static String launcherScript(Path java, Path jar, Path dataDir) {
    StringBuilder s = new StringBuilder();
    s.append("#!/bin/sh\n");
    s.append("# pagekeep native-messaging host launcher, written by `pagekeep install-host`.\n");
    s.append("# The browser starts this; stdout carries only native-messaging frames.\n");
    if (dataDir != null) {
      s.append("PAGEKEEP_HOME=").append(shellQuote(dataDir.toAbsolutePath().toString())).append("\n");
      s.append("export PAGEKEEP_HOME\n");
    }
    s.append("exec ").append(shellQuote(java.toAbsolutePath().toString()));
    for (String flag : JVM_FLAGS) s.append(' ').append(flag);
    // Same as `java -jar pagekeep.jar native-host`, minus loading every other command.
    s.append(" -cp ").append(shellQuote(jar.toAbsolutePath().toString()))
        .append(" dev.pagekeep.cli.NativeHostCommand \"$@\"\n");
    return s.toString();
  }

  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static void validateId(Browser browser, String id) {
    if (browser.isChromium() && !CHROMIUM_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("\"" + id + "\" is not a Chromium extension id (32 letters a-p)");
    }
    if (!browser.isChromium() && !FIREFOX_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("\"" + id + "\" is not a Firefox add-on id (name@domain or {uuid})");
    }
  }

  private static void writeAtomically(Path target, String text) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), ".pagekeep-", ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
