package dev.milvuscdc.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.rig.MilvusPair;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.server.CdcProcess;
import dev.milvuscdc.server.CdcTestClient;
import dev.milvuscdc.server.SourceWriteStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real headless Chromium (Debian's chromium and chromium-driver) against a real
 * server on the rig replicating a real write stream. Screenshots go to target/console/.
 */
class ConsoleIT {

    private static final Path SCREENSHOTS = Path.of("target/console");
    private static final String SECRET = "root:Milvus";

    @TempDir
    Path dataDir;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void openBrowser() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // Without the background-networking flags Chromium keeps trying hosts this closed network refuses.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,900", "--user-data-dir=" + Files.createTempDirectory("chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).build();
        browser = new ChromeDriver(service, options);
        // The page draws its table anew every 2 s: an element found before a redraw goes stale, and is found again.
        wait = new WebDriverWait(browser, Duration.ofSeconds(90), Duration.ofMillis(250));
        wait.ignoring(StaleElementReferenceException.class).ignoring(NoSuchElementException.class);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private WebElement row(String taskId) {
        return browser.findElement(By.cssSelector("tr[data-task='" + taskId + "']"));
    }

    /** A cell of the task's row, read inside a wait so that a redraw in between reads it again. */
    private String cell(String taskId, String cssClass) {
        return wait.until(b -> row(taskId).findElement(By.cssSelector("td." + cssClass)).getText());
    }

    private void click(String taskId, String action) {
        wait.until(b -> {
            row(taskId).findElement(By.cssSelector("button[data-action=" + action + "]")).click();
            return true;
        });
    }

    private void create(String requestData) {
        WebElement area = browser.findElement(By.id("create-data"));
        area.clear();
        area.sendKeys(requestData);
        browser.findElement(By.cssSelector("#create button[type=submit]")).click();
    }

    @Test
    void aTaskFromCreationToDeletion() throws Exception {
        String db = "console_" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> collection = Map.of("db", db, "name", "stream", "schema", "basic");
        try (MilvusPair milvus = new MilvusPair()) {
            try (CdcProcess server = CdcProcess.onRig(dataDir.resolve("cdc")).start()) {
                browser.get(server.url() + "/");
                wait.until(b -> b.findElement(By.id("status")).getText().startsWith("updated"));
                assertThat(browser.findElement(By.id("no-tasks")).isDisplayed()).isTrue();

                String refused = "{\"milvus_connect_param\":{\"uri\":\"" + Rig.get().targetUri() + "\",\"ignore_partition\":true},"
                        + "\"collection_infos\":[{\"name\":\"*\"}]}";
                String apiMessage = server.client().request("create", refused).message();
                create(refused);
                wait.until(b -> !b.findElement(By.id("create-result")).getText().isEmpty());
                assertThat(browser.findElement(By.id("create-result")).getText()).isEqualTo(apiMessage);
                screenshot("create-refused");

                milvus.source.run("create_database", Map.of("db", db));
                create("{\"milvus_connect_param\":{\"uri\":\"" + Rig.get().targetUri() + "\",\"token\":\"" + SECRET
                        + "\",\"connect_timeout\":10},\"db_collections\":{\"" + db + "\":[{\"name\":\"*\"}]}}");
                wait.until(b -> b.findElement(By.id("create-result")).getText().startsWith("created task "));
                String taskId = browser.findElement(By.id("create-result")).getText().substring("created task ".length());
                browser.findElement(By.id("create-data")).clear();
                wait.until(b -> cell(taskId, "state").equals("Running"));
                milvus.source.createLoaded(collection, 2);

                try (SourceWriteStream stream = new SourceWriteStream(collection)) {
                    wait.until(b -> {
                        String rate = cell(taskId, "rate");
                        return !rate.equals("-") && Double.parseDouble(rate) > 0;
                    });
                    assertThat(cell(taskId, "lag")).as("a lag in seconds").matches("\\d+\\.\\d");
                    click(taskId, "positions");
                    wait.until(b -> b.findElement(By.id("details")).isDisplayed() && b.findElement(By.cssSelector("#positions tbody"))
                            .getText().matches("(?s).*by-dev-rootcoord-dml_\\d+ \\d+\\.\\d .*"));
                    screenshot("console");
                }
                wait.until(b -> cell(taskId, "lag").equals("0.0"));

                click(taskId, "pause");
                wait.until(b -> cell(taskId, "state").equals("Paused"));
                assertThat(cell(taskId, "reason")).isEqualTo("manually pause through http interface");
                click(taskId, "resume");
                wait.until(b -> cell(taskId, "state").equals("Running"));

                assertThat(browser.getPageSource()).as("no secret in the page").doesNotContain(SECRET);
                CdcTestClient api = server.client();
                assertThat(api.request("get", "{\"task_id\":\"" + taskId + "\"}").data().path("task").path("state").asText())
                        .isEqualTo("Running");

                click(taskId, "delete");
                wait.until(b -> {
                    try {
                        b.switchTo().alert().accept();
                        return true;
                    } catch (NoAlertPresentException e) {
                        return false;
                    }
                });
                wait.until(b -> b.findElements(By.cssSelector("tr[data-task='" + taskId + "']")).isEmpty());
                assertThat(api.request("get", "{\"task_id\":\"" + taskId + "\"}").code()).isEqualTo(400);
            }
        }
    }

    @Test
    void aServerWithAnApiTokenIsShownOnceTheTokenIsEntered() throws Exception {
        String token = "console-" + UUID.randomUUID();
        try (CdcProcess server = CdcProcess.onRig(dataDir.resolve("cdc"), Map.of("apiToken", token)).start()) {
            browser.get(server.url() + "/");
            wait.until(b -> b.findElement(By.id("token-box")).isDisplayed());
            wait.until(b -> b.findElement(By.id("status")).getText().startsWith("cannot read the server: "));
            assertThat(browser.findElement(By.id("status")).getText()).contains("the server requires its API token");

            browser.findElement(By.id("token")).sendKeys("wrong" + Keys.TAB);
            Thread.sleep(3_000);
            assertThat(browser.findElement(By.id("status")).getText()).as("a wrong token is refused too")
                    .startsWith("cannot read the server: ");

            WebElement field = browser.findElement(By.id("token"));
            field.clear();
            field.sendKeys(token + Keys.TAB);
            wait.until(b -> b.findElement(By.id("status")).getText().startsWith("updated"));
            assertThat(browser.findElement(By.id("no-tasks")).isDisplayed()).isTrue();
            assertThat(browser.getPageSource()).as("the token is not written into the page").doesNotContain(token);
            screenshot("console-token");
        }
    }
}
