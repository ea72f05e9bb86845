package io.sentimentstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sentimentstreams.cli.run.ResultCollector;
import io.sentimentstreams.cli.run.Stack;
import io.sentimentstreams.contracts.LabeledReview;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The live page in a real browser: Debian's Chromium, headless, driven by Selenium through chromedriver, against
 * the broker and the three services as processes. It opens {@code GET /} on ingest-service, waits for the results
 * stream to be live, submits a review through the page's form and waits for that review's label to appear on the
 * page, then checks the label against what inference-service committed to reviews.labeled. Skips (JUnit
 * assumption) only where chromium or chromedriver is not installed ({@code apt-get install chromium
 * chromium-driver}; paths overridable with {@code -Dsentiment.chromium} and {@code -Dsentiment.chromedriver}).
 */
class LivePageBrowserEndToEndTest {

    private static final Path CHROMIUM = Path.of(System.getProperty("sentiment.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER =
            Path.of(System.getProperty("sentiment.chromedriver", "/usr/bin/chromedriver"));
    private static final Duration LABEL_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    @Test
    void aReviewSubmittedOnThePageComesBackLabeledOnThePage() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Chromium and chromedriver (" + CHROMIUM + ", " + CHROMEDRIVER + "): apt-get install chromium "
                        + "chromium-driver, or set -Dsentiment.chromium / -Dsentiment.chromedriver");
        final Path home = Repo.home();
        try (PrintStream progress = new PrintStream(System.err, true, StandardCharsets.UTF_8);
             Stack stack = new Stack(home, tmp.resolve("run"), tmp.resolve("logs"), progress)
                     .start(Stack.shippedModels(home), Duration.ofSeconds(180));
             ResultCollector results = new ResultCollector(stack.bootstrapServers(), r -> { }, d -> { })) {
            final String page = stack.service("ingest-service").baseUrl() + "/";
            final WebDriver browser = chromium();
            try {
                browser.get(page);
                assertThat(browser.getTitle()).contains("Sentiment Streams");
                final WebDriverWait wait = new WebDriverWait(browser, LABEL_TIMEOUT, Duration.ofMillis(200));
                final WebElement status = browser.findElement(By.id("stream-status"));
                wait.until(b -> "live".equals(status.getDomAttribute("data-state")));

                browser.findElement(By.id("text")).sendKeys("A wonderful, moving film with a brilliant cast. "
                        + "I loved every minute of it and would gladly watch it again.");
                new Select(browser.findElement(By.id("lang"))).selectByValue("en");
                browser.findElement(By.id("submit")).click();

                final WebElement result = browser.findElement(By.id("result"));
                wait.until(b -> result.getDomAttribute("data-label") != null);
                final String id = result.getDomAttribute("data-id");
                final String label = result.getDomAttribute("data-label");
                assertThat(id).as("the id from the 202 answer").isNotBlank();
                assertThat(label).isIn("POSITIVE", "NEGATIVE");
                assertThat(browser.findElement(By.id("result-label")).getText()).isEqualTo(label);
                assertThat(browser.findElements(By.cssSelector("#feed li[data-id='" + id + "']")))
                        .as("the review is in the live feed").hasSize(1);
                assertThat(Integer.parseInt(browser.findElement(By.id("mix-total")).getText())).isGreaterThanOrEqualTo(1);

                await().atMost(Duration.ofSeconds(60)).until(() -> results.labeled().containsKey(id));
                final LabeledReview committed = results.labeled().get(id);
                assertThat(committed.label().name()).as("the page shows what was committed").isEqualTo(label);
                assertThat(committed.lang().wireName()).isEqualTo("en");
            } finally {
                browser.quit();
            }
        }
    }

    private WebDriver chromium() throws Exception {
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium")));
        // An explicit driver: Selenium Manager would otherwise look for one on the network.
        final ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .withLogFile(tmp.resolve("chromedriver.log").toFile()).build();
        return new ChromeDriver(service, options);
    }
}
