package dev.pagekeep.cli;

import dev.pagekeep.nativehost.Browser;
import dev.pagekeep.nativehost.HostInstaller;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pagekeep install-host}: registers the native-messaging host with a browser. */
@Command(name = "install-host", mixinStandardHelpOptions = true,
    description = {
      "Writes the native host manifest (dev.pagekeep.host.json) and its launcher where the browser looks for them.",
      "With --user-data-dir, into DIR/NativeMessagingHosts/: the only place a browser started with that flag reads."})
public final class InstallHostCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--browser", defaultValue = "chromium", paramLabel = "chrome|chromium|firefox",
      description = "Browser to register with (default: ${DEFAULT-VALUE}).")
  String browser;

  @Option(names = "--extension-id", paramLabel = "ID",
      description = "Extension allowed to call the host; repeatable (default: the pinned id " + HostInstaller.EXTENSION_ID
          + ", or " + HostInstaller.FIREFOX_ADDON_ID + " for firefox).")
  List<String> extensionIds = new ArrayList<>();

  @Option(names = "--user-data-dir", paramLabel = "DIR",
      description = "The browser's --user-data-dir, when it is started with one.")
  Path userDataDir;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Data directory the host should use (baked into the launcher as PAGEKEEP_HOME; default: resolved at run time).")
  Path data;

  @Option(names = "--jar", paramLabel = "FILE", hidden = true,
      description = "The pagekeep.jar the launcher runs (default: the jar running this command).")
  Path jar;

  @Option(names = "--uninstall", description = "Remove the manifest and launcher instead.")
  boolean uninstall;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Browser b = Browser.parse(browser);
      Path dir = b.manifestDir(Path.of(System.getProperty("user.home")), System.getProperty("os.name"), userDataDir);
      HostInstaller installer = new HostInstaller();
      if (uninstall) {
        List<Path> removed = installer.uninstall(dir);
        if (removed.isEmpty()) out.println("nothing to remove in " + dir);
        removed.forEach(p -> out.println("removed " + p));
        return 0;
      }
      Path jarFile = jar != null ? jar : runningJar();
      if (!Files.isRegularFile(jarFile)) throw new IllegalArgumentException("no jar at " + jarFile);
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      HostInstaller.Installed done = installer.install(new HostInstaller.Request(
          b, dir, extensionIds, java, jarFile.toAbsolutePath(), data == null ? null : data.toAbsolutePath()));
      out.println("wrote " + done.manifest());
      out.println("wrote " + done.launcher());
      out.println("allowed: " + String.join(", ", extensionIds.isEmpty()
          ? List.of(b.isChromium() ? HostInstaller.EXTENSION_ID : HostInstaller.FIREFOX_ADDON_ID) : extensionIds));
      out.flush();
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("pagekeep install-host: " + e.getMessage());
      return 2;
    } catch (java.io.IOException | RuntimeException e) {
      err.println("pagekeep install-host: cannot write the host files: " + e);
      return 1;
    }
  }

  private static Path runningJar() {
    try {
      Path p = Path.of(InstallHostCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!p.toString().endsWith(".jar")) {
        throw new IllegalArgumentException("run install-host from pagekeep.jar (java -jar server/target/pagekeep.jar install-host)");
      }
      return p;
    } catch (URISyntaxException | SecurityException e) {
      throw new IllegalArgumentException("cannot tell where pagekeep.jar is; pass --jar FILE");
    }
  }
}
