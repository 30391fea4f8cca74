package io.parley.itests;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.Assume;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One person at the web client: a headless Debian chromium of its own (its own profile, so its own
 * localStorage), driven through Debian's chromedriver, and the steps a person takes on the page.
 */
final class Browser implements AutoCloseable {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Duration WAIT = Duration.ofSeconds(30);

    final ChromeDriver driver;
    private final Path profile;
    private final String url;

    /** Skips the test where chromium is missing, except in CI, where .ci/run installs it and it must run. */
    static void assumeInstalled() {
        boolean installed = new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
        if (!installed && "true".equals(System.getenv("CI"))) {
            fail("chromium and chromium-driver are missing; .ci/run installs them with apt-get");
        }
        Assume.assumeTrue("chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)",
                installed);
    }

    Browser(String url) throws IOException {
        this.url = url;
        profile = Files.createTempDirectory("parley-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        // The flags this machine's closed network needs (no background downloads or lookups), and headless.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--window-size=1200,800",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.get(url);
    }

    /** Opens the page again (after {@link #leave}), as a person returning to the tab would. */
    void reopen() {
        driver.get(url);
    }

    /** Leaves the page: its WebSocket closes, its localStorage stays. */
    void leave() {
        driver.get("about:blank");
    }

    <T> T await(String what, Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, WAIT).ignoring(StaleElementReferenceException.class)
                    .ignoring(NoSuchElementException.class).withMessage(what).until(condition);
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("Timed out waiting for " + what + "; the page's notice line: "
                    + safeText(By.id("notice")) + "; login error: " + safeText(By.id("login-error")), e);
        }
    }

    private String safeText(By by) {
        try {
            return driver.findElement(by).getText();
        } catch (RuntimeException e) {
            return "(none)";
        }
    }

    private WebElement visible(By by) {
        return await(by + " to show", d -> {
            WebElement e = d.findElement(by);
            return e.isDisplayed() ? e : null;
        });
    }

    private void type(By by, String text) {
        WebElement e = visible(by);
        e.clear();
        e.sendKeys(text);
    }

    void register(String username, String password) {
        type(By.id("username"), username);
        type(By.id("password"), password);
        visible(By.id("register")).click();
        awaitOnline();
    }

    void logIn(String username, String password) {
        type(By.id("username"), username);
        type(By.id("password"), password);
        visible(By.id("login")).click();
        awaitOnline();
    }

    void awaitOnline() {
        await("the page to be online", d -> "true".equals(d.findElement(By.id("connection")).getAttribute("data-online")));
    }

    boolean online() {
        return "true".equals(driver.findElement(By.id("connection")).getAttribute("data-online"));
    }

    void addFriend(String username) {
        type(By.id("add-friend"), username);
        driver.findElement(By.cssSelector("#add-friend-form button")).click();
        await("the request to " + username + " to be listed", d -> d.findElement(By.id("outgoing")).getText()
                .contains(username) || !friendRows(username).isEmpty());
    }

    void accept(String username) {
        WebElement request = await("a friend request from " + username, d -> d.findElement(
                By.cssSelector("#requests li[data-user='" + username + "']")));
        request.findElement(By.xpath(".//button[text()='Accept']")).click();
        await(username + " to be a friend", d -> !friendRows(username).isEmpty());
    }

    private List<WebElement> friendRows(String username) {
        return driver.findElements(By.cssSelector("#friends li[data-user='" + username + "']"));
    }

    void openChat(String username) {
        await(username + " in the friend list", d -> d.findElement(By.cssSelector("#friends li[data-user='" + username + "']")))
                .click();
        await("the conversation with " + username, d -> username.equals(d.findElement(By.id("conversation-title")).getText()));
    }

    void openGroup(String name) {
        await("the group " + name, d -> d.findElements(By.cssSelector("#groups li")).stream()
                .filter(li -> li.getText().startsWith(name)).findFirst().orElse(null)).click();
        await("the group conversation", d -> name.equals(d.findElement(By.id("conversation-title")).getText()));
    }

    void createGroup(String name, String members) {
        type(By.id("group-name"), name);
        type(By.id("group-members"), members);
        driver.findElement(By.cssSelector("#create-group-form button")).click();
        await("the new group to open", d -> name.equals(d.findElement(By.id("conversation-title")).getText()));
    }

    /** The action buttons beside a member in the open group's panel. */
    List<String> memberActions(String username) {
        return driver.findElements(By.cssSelector("#members li[data-user='" + username + "'] button")).stream()
                .map(WebElement::getText).toList();
    }

    /** The role the open group's panel shows for a member. */
    String memberRole(String username) {
        return driver.findElement(By.cssSelector("#members li[data-user='" + username + "'] .role")).getText();
    }

    void clickMemberAction(String username, String label) {
        driver.findElements(By.cssSelector("#members li[data-user='" + username + "'] button")).stream()
                .filter(b -> b.getText().equals(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no button " + label + " for " + username)).click();
    }

    /** Clicks "Recall" on the user's own message with this text in the open conversation. */
    void recall(String text) {
        await("a Recall button on \"" + text + "\"", d -> d.findElements(By.cssSelector("#messages li.msg.mine")).stream()
                .filter(li -> li.findElement(By.cssSelector(".text")).getText().equals(text))
                .flatMap(li -> li.findElements(By.cssSelector("button.recall")).stream()).findFirst().orElse(null))
                .click();
    }

    /** The group events shown in the open conversation, as text. */
    List<String> events() {
        return driver.findElements(By.cssSelector("#messages li.event")).stream().map(WebElement::getText).toList();
    }

    /** The texts of the server's notices on top of the page. */
    List<String> serverNotices() {
        return driver.findElements(By.cssSelector("#server-notices li .text")).stream().map(WebElement::getText)
                .toList();
    }

    void dismissServerNotices() {
        for (WebElement b : driver.findElements(By.cssSelector("#server-notices li button"))) {
            b.click();
        }
    }

    void send(String text) {
        WebElement input = visible(By.id("text"));
        input.sendKeys(text);
        driver.findElement(By.id("send")).click();
    }

    /** Waits until no message of the open conversation is still waiting for the server's answer. */
    void awaitAllAnswered() {
        await("every message sent to be answered",
                d -> d.findElements(By.cssSelector("#messages li.sending")).isEmpty());
    }

    /** The texts of the open conversation's messages, top to bottom (sent ones included once answered or not). */
    List<String> messages() {
        return driver.findElements(By.cssSelector("#messages li.msg .text")).stream().map(WebElement::getText).toList();
    }

    List<String> awaitMessages(String what, Function<List<String>, Boolean> condition) {
        return await(what, d -> {
            List<String> now = messages();
            return condition.apply(now) ? now : null;
        });
    }

    /** The unread count shown beside a friend, 0 when none is shown. */
    int unread(String username) {
        String n = driver.findElement(By.cssSelector("#friends li[data-user='" + username + "'] .unread")).getText();
        return n.isEmpty() ? 0 : Integer.parseInt(n);
    }

    boolean friendOnline(String username) {
        return driver.findElement(By.cssSelector("#friends li[data-user='" + username + "'] .presence"))
                .getAttribute("class").contains("online");
    }

    Object script(String js) {
        return ((JavascriptExecutor) driver).executeScript(js);
    }

    /** Saves a PNG of the page. */
    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        assertTrue("a screenshot was taken", png.length > 1000);
        Files.write(file, png);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temp folder left behind
            }
        }
    }
}
