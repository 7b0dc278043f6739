package dev.pagekeep.nativehost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostInstallerTest {
  private final ObjectMapper json = new ObjectMapper();
  private final HostInstaller installer = new HostInstaller();
  @TempDir Path tmp;

  private HostInstaller.Installed install(Browser browser, List<String> ids, Path data) throws Exception {
    return installer.install(new HostInstaller.Request(browser, tmp.resolve("hosts"), ids,
        Path.of("/opt/jdk 17/bin/java"), Path.of("/srv/it's/pagekeep.jar"), data));
  }

  @Test
  void writesAChromiumManifestPointingAtAnExecutableLauncher() throws Exception {
    HostInstaller.Installed done = install(Browser.CHROMIUM, List.of(), null);
    assertThat(done.manifest()).isEqualTo(tmp.resolve("hosts/dev.pagekeep.host.json"));
    JsonNode m = json.readTree(Files.readString(done.manifest()));
    assertThat(m.get("name").asText()).isEqualTo("dev.pagekeep.host");
    assertThat(m.get("type").asText()).isEqualTo("stdio");
    assertThat(m.get("path").asText()).isEqualTo(done.launcher().toString());
    assertThat(Path.of(m.get("path").asText())).isAbsolute();
    assertThat(m.get("allowed_origins")).hasSize(1);
    assertThat(m.at("/allowed_origins/0").asText())
        .isEqualTo("chrome-extension://" + HostInstaller.EXTENSION_ID + "/");
    assertThat(Files.getPosixFilePermissions(done.launcher())).contains(PosixFilePermission.OWNER_EXECUTE);
  }

  @Test
  void launcherBakesInJavaJarFlagsAndQuotesOddPaths() throws Exception {
    String script = Files.readString(install(Browser.CHROME, List.of(), null).launcher());
    assertThat(script).startsWith("#!/bin/sh\n");
    assertThat(script).contains("exec '/opt/jdk 17/bin/java' -XX:TieredStopAtLevel=1");
    assertThat(script).contains("-cp '/srv/it'\\''s/pagekeep.jar' dev.pagekeep.cli.NativeHostCommand \"$@\"");
    assertThat(script).doesNotContain("PAGEKEEP_HOME");
  }

  @Test
  void dataDirIsExportedWhenGiven() throws Exception {
    String script = Files.readString(install(Browser.CHROMIUM, List.of(), tmp.resolve("data")).launcher());
    assertThat(script).contains("PAGEKEEP_HOME='" + tmp.resolve("data") + "'\nexport PAGEKEEP_HOME\n");
  }

  @Test
  void firefoxManifestListsAddOnIdsInsteadOfOrigins() throws Exception {
    JsonNode m = json.readTree(install(Browser.FIREFOX, List.of(), null).manifestJson());
    assertThat(m.has("allowed_origins")).isFalse();
    assertThat(m.at("/allowed_extensions/0").asText()).isEqualTo(HostInstaller.FIREFOX_ADDON_ID);
  }

  @Test
  void extraExtensionIdsAreAllAllowed() throws Exception {
    String other = "abcdefghijklmnopabcdefghijklmnop";
    JsonNode m = json.readTree(install(Browser.CHROMIUM, List.of(HostInstaller.EXTENSION_ID, other), null).manifestJson());
    assertThat(m.get("allowed_origins")).hasSize(2);
  }

  @Test
  void refusesMalformedIdsAndWritesNothing() {
    assertThatThrownBy(() -> install(Browser.CHROMIUM, List.of("not-an-id"), null))
        .hasMessageContaining("not a Chromium extension id");
    assertThat(tmp.resolve("hosts")).doesNotExist();
  }

  @Test
  void reinstallReplacesAndUninstallRemovesBothFiles() throws Exception {
    install(Browser.CHROMIUM, List.of(), null);
    HostInstaller.Installed again = install(Browser.CHROMIUM, List.of(), tmp);
    assertThat(Files.readString(again.launcher())).contains("PAGEKEEP_HOME");
    assertThat(installer.uninstall(tmp.resolve("hosts"))).containsExactly(again.manifest(), again.launcher());
    assertThat(installer.uninstall(tmp.resolve("hosts"))).isEmpty();
    try (var left = Files.list(tmp.resolve("hosts"))) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void manifestDirsFollowEachBrowsersConvention() {
    Path home = Path.of("/home/u");
    assertThat(Browser.CHROMIUM.manifestDir(home, "Linux", null))
        .isEqualTo(Path.of("/home/u/.config/chromium/NativeMessagingHosts"));
    assertThat(Browser.CHROME.manifestDir(home, "Linux", null))
        .isEqualTo(Path.of("/home/u/.config/google-chrome/NativeMessagingHosts"));
    assertThat(Browser.FIREFOX.manifestDir(home, "Linux", null))
        .isEqualTo(Path.of("/home/u/.mozilla/native-messaging-hosts"));
    assertThat(Browser.CHROME.manifestDir(home, "Mac OS X", null))
        .isEqualTo(Path.of("/home/u/Library/Application Support/Google/Chrome/NativeMessagingHosts"));
    assertThat(Browser.CHROMIUM.manifestDir(home, "Linux", Path.of("/tmp/profile")))
        .isEqualTo(Path.of("/tmp/profile/NativeMessagingHosts"));
    assertThatThrownBy(() -> Browser.FIREFOX.manifestDir(home, "Linux", Path.of("/tmp/p")))
        .hasMessageContaining("chrome and chromium only");
    assertThatThrownBy(() -> Browser.CHROME.manifestDir(home, "Windows 11", null))
        .hasMessageContaining("registry");
    assertThatThrownBy(() -> Browser.parse("safari")).hasMessageContaining("chrome, chromium or firefox");
  }

  @Test
  void pinnedExtensionIdMatchesTheKeyInTheExtensionManifest() throws Exception {
    Path manifest = Path.of("..", "extension", "manifest.json");
    JsonNode m = json.readTree(Files.readString(manifest));
    byte[] der = java.util.Base64.getDecoder().decode(m.get("key").asText());
    byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(der);
    StringBuilder id = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      id.append((char) ('a' + ((sha[i] >> 4) & 0xF))).append((char) ('a' + (sha[i] & 0xF)));
    }
    assertThat(id.toString()).isEqualTo(HostInstaller.EXTENSION_ID);
    assertThat(m.at("/browser_specific_settings/gecko/id").asText()).isEqualTo(HostInstaller.FIREFOX_ADDON_ID);
  }

  @Test
  void repositoryTemplateAndLauncherMatchWhatInstallHostWrites() throws Exception {
    HostInstaller.Installed done = install(Browser.CHROMIUM, List.of(), null);
    JsonNode written = json.readTree(done.manifestJson());
    JsonNode template = json.readTree(Files.readString(Path.of("..", "native-host-manifest", "dev.pagekeep.host.json")));
    assertThat(template.get("path").asText()).isEqualTo("@LAUNCHER@");
    ((com.fasterxml.jackson.databind.node.ObjectNode) template).put("path", done.launcher().toString());
    assertThat(template).isEqualTo(written);
    String checkoutLauncher = Files.readString(Path.of("..", "native-host-manifest", "pagekeep-native-host"));
    assertThat(checkoutLauncher).contains(String.join(" ", HostInstaller.JVM_FLAGS))
        .contains("dev.pagekeep.cli.NativeHostCommand \"$@\"");
  }
}
