package dev.milvuscdc.http;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.milvuscdc.config.ListenAddress;
import dev.milvuscdc.control.TaskManager;
import dev.milvuscdc.config.Secret;
import dev.milvuscdc.metrics.CdcMetrics;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener: {@code POST /cdc}, {@code GET /health}, {@code GET /cdc/metrics}, and the web
 * console's files under {@code /console} ({@code /} leads there), a page that uses the same two API
 * paths as any client. Every answer of {@code /cdc} has HTTP status 200 and carries its outcome in
 * the body, as the reference's (except a refused {@code apiToken}: 401).
 */
public final class CdcHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CdcHttpServer.class);
    /** Where the web console's files are, on the classpath and under the server's URL. */
    private static final String CONSOLE = "/console";
    private static final HandlerType[] OTHER_METHODS = {
        HandlerType.GET, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE, HandlerType.HEAD, HandlerType.OPTIONS};

    /** Without is-getters: {@code isEmpty()} helpers of the task model are not fields of an answer. */
    private final ObjectMapper json = JsonMapper.builder().disable(MapperFeature.AUTO_DETECT_IS_GETTERS).build();
    private final CdcApi api;
    private final Health health;
    private final CdcMetrics metrics;
    private final int maxRequestBytes;
    private final Javalin app;

    /**
     * @param sourceStatus the state of each source component ({@code etcd}, {@code kafka}): {@code UP} or why not
     */
    public CdcHttpServer(TaskManager tasks, CdcMetrics metrics, Supplier<Map<String, String>> sourceStatus,
                         int maxRequestBytes, Secret apiToken) {
        this.api = new CdcApi(tasks, new RequestDecoder(), new TaskViews(json, tasks::copyStatus, tasks::holders), metrics);
        this.health = new Health(tasks, sourceStatus);
        this.metrics = metrics;
        this.maxRequestBytes = maxRequestBytes;
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.staticFiles.add(files -> {
                files.hostedPath = CONSOLE;
                files.directory = CONSOLE;
                files.location = Location.CLASSPATH;
            });
        });
        ApiToken token = new ApiToken(apiToken);
        app.before(ctx -> {
            if (needsToken(ctx.path()) && !token.admits(ctx.header("Authorization"))) {
                ctx.skipRemainingHandlers();
                reply(ctx.status(401), ApiReply.error(401, ApiToken.REFUSED));
            }
        });
        app.post("/cdc", ctx -> reply(ctx, handleCdc(ctx)));
        for (HandlerType method : OTHER_METHODS) {
            app.addHttpHandler(method, "/cdc", ctx -> {
                metrics.request("unknown", "invalid_method");
                reply(ctx, ApiReply.error(ApiReply.METHOD_NOT_ALLOWED, "only support the POST method"));
            });
        }
        app.get("/health", this::handleHealth);
        app.get("/", ctx -> ctx.redirect(CONSOLE + "/index.html"));
        app.get("/cdc/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        app.error(404, ctx -> reply(ctx.status(404), ApiReply.error(404,
                "no such endpoint: " + ctx.method() + " " + ctx.path() + "; use POST /cdc")));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected failure answering {} {}", ctx.method(), ctx.path(), e);
            reply(ctx.status(200), ApiReply.error(ApiReply.SERVER_ERROR, "internal error (" + e.getClass().getSimpleName()
                    + "), see the server log"));
        });
    }

    /**
     * The console's files hold no data and a browser cannot send a bearer token when it opens a page,
     * so only the API's data needs the token: the console asks for it and sends it with its calls.
     */
    private static boolean needsToken(String path) {
        return !path.equals("/health") && !path.equals("/") && !path.startsWith(CONSOLE + "/");
    }

    public void start(ListenAddress address) {
        app.start(address.host(), address.port());
        LOG.info("listening on {}:{}", address.host(), port());
    }

    /** The bound port, useful when started on port 0. */
    public int port() {
        return app.port();
    }

    private ApiReply handleCdc(Context ctx) {
        byte[] body;
        try {
            body = readBody(ctx);
        } catch (IOException e) {
            metrics.request("unknown", "read_error");
            return ApiReply.error(ApiReply.SERVER_ERROR, "fail to read the request body, error: " + e.getMessage());
        }
        return api.handle(body);
    }

    private byte[] readBody(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxRequestBytes) {
            throw tooLarge();
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes(maxRequestBytes + 1);
            if (body.length > maxRequestBytes) {
                throw tooLarge();
            }
            return body;
        }
    }

    private IOException tooLarge() {
        return new IOException("the request body is larger than " + maxRequestBytes
                + " bytes (maxRequestBytes in the server configuration)");
    }

    private void handleHealth(Context ctx) {
        Health.Report report = health.report();
        ctx.status(report.status().equals(Health.DOWN) ? 503 : 200);
        ctx.contentType("application/json").result(write(report));
    }

    private void reply(Context ctx, ApiReply reply) {
        ctx.contentType("application/json").result(write(reply));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a JSON answer", e);
        }
    }

    @Override
    public void close() {
        app.stop();
    }
}
