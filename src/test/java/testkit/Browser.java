package testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Debian's chromedriver (never a driver or browser
 * Selenium Manager would download: both paths are given), for the web UI's browser tests. Every
 * request the page makes carries the given Basic credentials (set through the DevTools protocol:
 * a headless browser cannot answer a login prompt). Screenshots go to {@link #SCREENSHOTS}.
 */
public final class Browser implements AutoCloseable {

  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /** The build's screenshot folder (surefire sets it from the build directory). */
  public static final Path SCREENSHOTS = Path.of(System.getProperty("orchatest.screenshots",
      "target/screenshots"));

  private final ChromeDriverService service;
  private final ChromeDriver driver;
  private final Path profile;

  /**
   * Fails (never skips) when the browser or its driver is missing: bin/test installs Debian's
   * chromium and chromium-driver, so a missing one is a broken machine, not a reason to pass.
   */
  public static void requireInstalled() {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(CHROMIUM)) {
      missing.add(CHROMIUM + " (Debian package chromium)");
    }
    if (!Files.isExecutable(CHROMEDRIVER)) {
      missing.add(CHROMEDRIVER + " (Debian package chromium-driver)");
    }
    if (!missing.isEmpty()) {
      throw new AssertionError("the web UI's browser tests need " + String.join(" and ", missing)
          + "; bin/test installs them (apt-get install chromium chromium-driver)");
    }
  }

  /**
   * Starts a browser whose chromedriver listens on {@code driverPort}; {@code user} and
   * {@code password} (null: none) go with every request as Basic credentials.
   */
  public static Browser start(int driverPort, String user, String password) {
    requireInstalled();
    return new Browser(driverPort, user, password);
  }

  private Browser(int driverPort, String user, String password) {
    try {
      profile = Files.createTempDirectory("orcha-chromium");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a Chromium profile folder: " + e.getMessage(), e);
    }
    service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingPort(driverPort)
        .withTimeout(Duration.ofSeconds(30))
        .withLogOutput(java.io.OutputStream.nullOutputStream())
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // the machine's network is closed: no background connections, no updates, no sync
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-quic", "--no-first-run", "--disable-extensions",
        "--disable-dev-shm-usage", "--window-size=1400,1000",
        "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriver d;
    try {
      d = new ChromeDriver(service, options);
    } catch (RuntimeException e) {
      service.stop();
      deleteProfile();
      throw e;
    }
    driver = d;
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    if (user != null) {
      String basic = "Basic " + Base64.getEncoder().encodeToString(
          (user + ":" + password).getBytes(StandardCharsets.UTF_8));
      driver.executeCdpCommand("Network.enable", Map.of());
      driver.executeCdpCommand("Network.setExtraHTTPHeaders",
          Map.of("headers", Map.of("Authorization", basic)));
    }
  }

  public ChromeDriver driver() {
    return driver;
  }

  public void open(String url) {
    driver.get(url);
  }

  /**
   * Polls {@code condition} (stale elements of a redrawn page are retried) until it answers
   * non-null and not false, at most {@code within}; the failure names what was awaited and
   * what the browser's console said.
   */
  public <T> T await(String what, Duration within, Function<WebDriver, T> condition) {
    WebDriverWait wait = new WebDriverWait(driver, within, Duration.ofMillis(100));
    wait.ignoring(StaleElementReferenceException.class).ignoring(NoSuchElementException.class);
    wait.withMessage(() -> what + "; browser console: " + console());
    try {
      return wait.until(condition);
    } catch (TimeoutException e) {
      screenshot("timeout-" + what.replaceAll("[^A-Za-z0-9]+", "-"));
      throw e;
    }
  }

  /** The elements a CSS selector finds now. */
  public List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** The one element a CSS selector finds, waited for up to 10 s. */
  public WebElement one(String css) {
    return await(css, Duration.ofSeconds(10), d -> {
      List<WebElement> l = d.findElements(By.cssSelector(css));
      return l.size() == 1 && l.get(0).isDisplayed() ? l.get(0) : null;
    });
  }

  /**
   * Reads something off the one element a CSS selector finds, waiting up to 10 s for it and
   * retrying when the page redraws it meanwhile (the views redraw on every change they see).
   */
  public <T> T read(String css, Function<WebElement, T> f) {
    return await(css, Duration.ofSeconds(10), d -> {
      List<WebElement> l = d.findElements(By.cssSelector(css));
      return l.size() == 1 ? f.apply(l.get(0)) : null;
    });
  }

  /** The text of a node without rendering rules (SVG text, hidden title elements too). */
  public String textContent(WebElement e) {
    return String.valueOf(driver.executeScript("return arguments[0].textContent;", e));
  }

  /** Saves a PNG of the page as {@code SCREENSHOTS/name.png}; returns its path. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path p = SCREENSHOTS.resolve(name + ".png");
      Files.write(p, wholePage());
      return p;
    } catch (IOException | RuntimeException e) {
      // a failed screenshot must not hide the test's own outcome
      System.err.println("screenshot " + name + " failed: " + e);
      return null;
    }
  }

  /** The whole page, not only the window (DevTools' capture beyond the viewport). */
  @SuppressWarnings("unchecked")
  private byte[] wholePage() {
    try {
      Map<String, Object> size = (Map<String, Object>) driver.executeCdpCommand(
          "Page.getLayoutMetrics", Map.of()).get("cssContentSize");
      double width = ((Number) size.get("width")).doubleValue();
      double height = Math.min(((Number) size.get("height")).doubleValue(), 10_000);
      Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of(
          "format", "png", "captureBeyondViewport", true,
          "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
      return Base64.getDecoder().decode((String) shot.get("data"));
    } catch (RuntimeException e) {
      return driver.getScreenshotAs(OutputType.BYTES); // the window, at least
    }
  }

  /** What the page's console said since the last call (errors, warnings, logs). */
  public List<String> console() {
    List<String> lines = new ArrayList<>();
    try {
      for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
        lines.add(e.getLevel() + " " + e.getMessage());
      }
    } catch (RuntimeException e) {
      lines.add("(console not readable: " + e.getMessage() + ")");
    }
    return lines;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      deleteProfile();
    }
  }

  private void deleteProfile() {
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      // a leftover temporary profile folder is harmless
    }
  }
}
