package io.parley.client;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.parley.protocol.codec.WebSocketFrameCodec;
import java.net.URI;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.parley.api.ParleyException;
import io.parley.api.account.AuthFinishRequest;
import io.parley.api.account.AuthFinishResponse;
import io.parley.api.account.AuthStartRequest;
import io.parley.api.account.AuthStartResponse;
import io.parley.api.account.LoginRequest;
import io.parley.api.account.LoginResponse;
import io.parley.api.account.PasswordChangeRequest;
import io.parley.api.account.Profile;
import io.parley.api.account.ProfileGetRequest;
import io.parley.api.account.ProfileUpdateRequest;
import io.parley.api.account.RegisterRequest;
import io.parley.api.account.RegisterResponse;
import io.parley.api.account.ResumeRequest;
import io.parley.api.friend.FriendAddRequest;
import io.parley.api.friend.FriendAddResponse;
import io.parley.api.friend.FriendList;
import io.parley.api.friend.FriendListRequest;
import io.parley.api.friend.FriendRequest;
import io.parley.api.group.GroupCreateRequest;
import io.parley.api.group.GroupCreateResponse;
import io.parley.api.group.GroupInfo;
import io.parley.api.group.GroupInfoRequest;
import io.parley.api.group.GroupList;
import io.parley.api.group.GroupListRequest;
import io.parley.api.group.GroupMembersRequest;
import io.parley.api.group.GroupRequest;
import io.parley.api.group.GroupSendRequest;
import io.parley.api.handler.Empty;
import io.parley.api.message.AckRequest;
import io.parley.api.message.HistoryRequest;
import io.parley.api.message.HistoryResponse;
import io.parley.api.message.InboxEntry;
import io.parley.api.message.PullRequest;
import io.parley.api.message.PullResponse;
import io.parley.api.message.SendRequest;
import io.parley.api.message.SendResponse;
import io.parley.protocol.Frame;
import io.parley.protocol.Scram;
import io.parley.protocol.Sign;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import io.parley.protocol.codec.FrameDecoder;
import io.parley.protocol.codec.FrameEncoder;
import io.parley.serialization.ParleyGson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * One connection to a Parley server.
 *
 * <pre>{@code
 * ParleyClient client = ParleyClient.connect("localhost", 7700).join();
 * client.register("alice", "correct horse", "Alice").join();
 * LoginResponse login = client.login("alice", "correct horse", "pc").join();
 * client.onNotice(n -> System.out.println(n));
 * }</pre>
 *
 * <p>Register notice listeners before LOGIN: the server may push notices (FRIEND_EVENT, MSG_NOTIFY) right
 * after a login, before the LOGIN answer arrives.
 *
 * <p>Every call returns a future that completes with the response, or exceptionally with a
 * {@link ParleyException} carrying the server's status and sentence, a {@link TimeoutException} when no
 * response came within the request timeout, or a ParleyException UNAVAILABLE when the connection closed.
 * Calls may be made from any thread and pipelined.
 */
public final class ParleyClient implements AutoCloseable {

    private final Channel channel;
    private final boolean ownsEventLoop;
    private final ParleyClientOptions options;
    private final Gson gson = ParleyGson.create();
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final List<NoticeListener> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final AtomicBoolean closing = new AtomicBoolean();

    private record Pending(int type, CompletableFuture<JsonObject> future) {
    }

    private ParleyClient(Channel channel, boolean ownsEventLoop, ParleyClientOptions options) {
        this.channel = channel;
        this.ownsEventLoop = ownsEventLoop;
        this.options = options;
    }

    public static CompletableFuture<ParleyClient> connect(String host, int port) {
        return connect(host, port, ParleyClientOptions.defaults());
    }

    public static CompletableFuture<ParleyClient> connect(String host, int port, ParleyClientOptions options) {
        return open(host, port, options, null, (ch, p) -> p.addLast(new FrameDecoder(options.maxBody()))
                .addLast(FrameEncoder.INSTANCE));
    }

    /**
     * Connects over WebSocket ({@code ws://host:7780/ws}, or {@code wss://} with {@link ParleyClientOptions#withTls}),
     * the carrier browsers use: the same frames, one per binary message, through HTTP proxies and load
     * balancers that pass WebSocket. Completes once the upgrade is done; everything else is as {@link #connect}.
     */
    public static CompletableFuture<ParleyClient> connectWebSocket(URI uri, ParleyClientOptions options) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss") || uri.getHost() == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("Not a ws:// or wss:// address: " + uri));
        }
        if (scheme.equals("wss") != (options.tls() != null)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "wss:// needs options withTls(), and ws:// none: " + uri));
        }
        int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("wss") ? 443 : 80;
        CompletableFuture<Void> upgraded = new CompletableFuture<>();
        return open(uri.getHost(), port, options, upgraded, (ch, p) -> p
                .addLast(new HttpClientCodec())
                .addLast(new HttpObjectAggregator(8192))
                .addLast(new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                        .webSocketUri(uri)
                        .version(WebSocketVersion.V13)
                        .allowExtensions(false)
                        .maxFramePayloadLength(Frame.HEADER_LENGTH + options.maxBody())
                        .handleCloseFrames(false)
                        .dropPongFrames(true)
                        .handshakeTimeoutMillis(options.requestTimeout().toMillis())
                        .build()))
                .addLast(WebSocketFrameCodec.aggregator(options.maxBody()))
                .addLast(new WebSocketFrameCodec(options.maxBody()))
                .addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                            upgraded.complete(null);
                        } else if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                            upgraded.completeExceptionally(new TimeoutException("No WebSocket upgrade from " + uri));
                        }
                        ctx.fireUserEventTriggered(evt);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        upgraded.completeExceptionally(cause);
                        ctx.fireExceptionCaught(cause);
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        upgraded.completeExceptionally(new ParleyException(Status.UNAVAILABLE,
                                "The server closed the connection before the WebSocket upgrade."));
                        ctx.fireChannelInactive();
                    }
                }));
    }

    /**
     * Connects, adds TLS when configured, then the carrier's handlers, the heartbeat and the client's handler;
     * ready once TLS (if any) is done and {@code ready} (if given: a WebSocket upgrade) completes.
     */
    private static CompletableFuture<ParleyClient> open(String host, int port, ParleyClientOptions options,
            CompletableFuture<Void> ready, java.util.function.BiConsumer<SocketChannel, ChannelPipeline> carrier) {
        boolean own = options.eventLoop() == null;
        EventLoopGroup group = own ? new NioEventLoopGroup(1, new DefaultThreadFactory("parley-client", true))
                : options.eventLoop();
        Handler handler = new Handler();
        ChannelFuture connecting = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.requestTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (options.tls() != null) {
                            ch.pipeline().addLast("tls", tlsHandler(options.tls(), ch, host, port));
                        }
                        carrier.accept(ch, ch.pipeline());
                        ch.pipeline()
                                .addLast(new IdleStateHandler(0, options.heartbeat().toMillis(), 0, TimeUnit.MILLISECONDS))
                                .addLast(handler);
                    }
                })
                .connect(host, port);
        CompletableFuture<ParleyClient> result = new CompletableFuture<>();
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                failConnect(result, f.cause(), own, group);
                return;
            }
            Channel ch = connecting.channel();
            CompletableFuture<Void> upgraded = ready == null ? CompletableFuture.completedFuture(null) : ready;
            SslHandler tls = ch.pipeline().get(SslHandler.class);
            // With TLS the client is ready once the server's certificate is accepted: a wrong one fails here.
            CompletableFuture<Void> secured = new CompletableFuture<>();
            if (tls == null) {
                secured.complete(null);
            } else {
                tls.handshakeFuture().addListener(h -> {
                    if (h.isSuccess()) {
                        secured.complete(null);
                    } else {
                        secured.completeExceptionally(h.cause());
                    }
                });
            }
            secured.thenCompose(v -> upgraded).whenComplete((v, e) -> {
                if (e == null) {
                    connected(result, ch, own, options, handler);
                } else {
                    ch.close();
                    failConnect(result, e instanceof CompletionException ? e.getCause() : e, own, group);
                }
            });
        });
        return result;
    }

    private static void connected(CompletableFuture<ParleyClient> result, Channel ch, boolean own,
            ParleyClientOptions options, Handler handler) {
        ParleyClient client = new ParleyClient(ch, own, options);
        handler.client = client;
        ch.closeFuture().addListener(c -> client.onClosed());
        result.complete(client);
    }

    private static void failConnect(CompletableFuture<ParleyClient> result, Throwable cause, boolean own,
            EventLoopGroup group) {
        if (own) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        result.completeExceptionally(cause);
    }

    /** A TLS handler that checks the server's certificate against the host name or address connected to. */
    private static SslHandler tlsHandler(SslContext context, SocketChannel ch, String host, int port) {
        SSLEngine engine = context.newEngine(ch.alloc(), host, port);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        return new SslHandler(engine);
    }

    // ---- account calls ----------------------------------------------------------------------------------

    /** REGISTER; completes with the new user id. */
    public CompletableFuture<Long> register(String username, String password, String nickname) {
        return call(Types.REGISTER, new RegisterRequest(username, password, nickname), RegisterResponse.class)
                .thenApply(RegisterResponse::userId);
    }

    /**
     * Logs in without sending the password: SCRAM-SHA-256 ({@link #loginScram}). When the server has no SCRAM
     * (AUTH_START answers UNSUPPORTED) or refuses the proof (an account from before SCRAM, which moves over at
     * that LOGIN), it logs in with {@link #loginPlain} where {@link ParleyClientOptions#plainFallback} allows:
     * by default only over TLS.
     * Keep the token to {@link #resume} later without the password.
     */
    public CompletableFuture<LoginResponse> login(String username, String password, String device) {
        return loginScram(username, password, device).handle((login, e) -> {
            Status status = e == null ? null : statusOf(e);
            boolean fallback = (status == Status.UNSUPPORTED || status == Status.UNAUTHENTICATED)
                    && !(rootOf(e) instanceof ForgedServer) && plainFallbackAllowed();
            if (e == null) {
                return CompletableFuture.completedFuture(login);
            }
            if (!fallback) {
                return CompletableFuture.<LoginResponse>failedFuture(rootOf(e));
            }
            // A server that refused the proof and has LOGIN turned off: the proof's answer is the one that counts.
            return loginPlain(username, password, device).exceptionallyCompose(plain ->
                    statusOf(plain) == Status.UNSUPPORTED && status == Status.UNAUTHENTICATED
                            ? CompletableFuture.failedFuture(rootOf(e)) : CompletableFuture.failedFuture(rootOf(plain)));
        }).thenCompose(f -> f);
    }

    private boolean plainFallbackAllowed() {
        return switch (options.plainFallback()) {
            case ALWAYS -> true;
            case OVER_TLS -> options.tls() != null;
            case NEVER -> false;
        };
    }

    /** LOGIN: sends the password itself (use TLS off loopback); the server may have turned it off. */
    public CompletableFuture<LoginResponse> loginPlain(String username, String password, String device) {
        return call(Types.LOGIN, new LoginRequest(username, password, device), LoginResponse.class);
    }

    /**
     * SCRAM-SHA-256 login (AUTH_START, AUTH_FINISH): the password stays here; PBKDF2 runs off the event loop,
     * or not at all when the options' {@link LoginCache} holds the keys. Fails UNAUTHENTICATED, and drops the
     * connection, when the server's signature is wrong: that server does not hold the account's keys.
     */
    public CompletableFuture<LoginResponse> loginScram(String username, String password, String device) {
        byte[] random = new byte[24];
        NONCES.nextBytes(random);
        String clientNonce = Scram.base64(random);
        return call(Types.AUTH_START, new AuthStartRequest(username, device, clientNonce), AuthStartResponse.class)
                .thenApplyAsync(start -> {
                    checkStart(start, clientNonce);
                    LoginCache cache = options.loginCache();
                    LoginCache.Keys keys = cache == null ? LoginCache.derive(password, start.salt(), start.iterations())
                            : cache.keys(server(), username, password, start.salt(), start.iterations());
                    return new Object[] {start, keys};
                }, KEY_DERIVATION)
                .thenCompose(step -> {
                    AuthStartResponse start = (AuthStartResponse) step[0];
                    LoginCache.Keys keys = (LoginCache.Keys) step[1];
                    String authMessage = Scram.authMessage(username, clientNonce, start.nonce(), start.salt(),
                            start.iterations());
                    String proof = Scram.base64(Scram.proof(keys.clientKey(), authMessage));
                    return call(Types.AUTH_FINISH, new AuthFinishRequest(start.nonce(), proof), AuthFinishResponse.class)
                            .thenApply(finished -> {
                                byte[] expected = Scram.serverSignature(keys.serverKey(), authMessage);
                                byte[] signature;
                                try {
                                    signature = Scram.fromBase64(finished.serverSignature());
                                } catch (IllegalArgumentException e) {
                                    signature = new byte[0];
                                }
                                if (!MessageDigest.isEqual(expected, signature)) {
                                    channel.close();
                                    throw new ForgedServer();
                                }
                                return new LoginResponse(finished.userId(), finished.token(), finished.seq(),
                                        finished.acked());
                            });
                });
    }

    /** Most PBKDF2 iterations a server may ask of this client: more would let a server stall it. */
    static final int MAX_ITERATIONS = 10_000_000;
    /**
     * Fewest PBKDF2 iterations this client accepts (RFC 7677's least): with fewer, whoever answered in the
     * server's place could guess the password from the proof cheaply.
     */
    static final int MIN_ITERATIONS = 4096;

    /**
     * Where PBKDF2 runs: a few daemon threads of the SDK's own, so that a slow derivation holds neither a
     * Netty event loop nor the application's common pool.
     */
    private static final java.util.concurrent.Executor KEY_DERIVATION = keyDerivation();

    private static java.util.concurrent.Executor keyDerivation() {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(threads, threads, 30,
                java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "parley-client-scram");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true); // no thread stays once logins are done
        return pool;
    }

    /** An AUTH_START answer this client can work with, or a ParleyException saying what is wrong with it. */
    private static void checkStart(AuthStartResponse start, String clientNonce) {
        String problem = null;
        if (start.nonce() == null || start.salt() == null) {
            problem = "lacks its nonce or salt";
        } else if (!start.nonce().startsWith(clientNonce) || start.nonce().length() <= clientNonce.length()) {
            problem = "has a nonce that does not extend ours";
        } else if (start.iterations() < MIN_ITERATIONS || start.iterations() > MAX_ITERATIONS) {
            problem = "asks for " + start.iterations() + " iterations (" + MIN_ITERATIONS + " to " + MAX_ITERATIONS
                    + " are accepted)";
        } else {
            try {
                Scram.fromBase64(start.salt());
            } catch (IllegalArgumentException e) {
                problem = "has a salt that is not base64";
            }
        }
        if (problem != null) {
            throw new ParleyException(Status.BAD_REQUEST, "The server's AUTH_START answer " + problem + ".");
        }
    }

    /** The server answered AUTH_FINISH with a signature that does not come from the account's keys. */
    private static final class ForgedServer extends ParleyException {
        ForgedServer() {
            super(Status.UNAUTHENTICATED, "The server's SCRAM signature is wrong: it does not hold this account's "
                    + "keys. The connection was dropped.");
        }
    }

    private static final SecureRandom NONCES = new SecureRandom();

    private static Throwable rootOf(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private static Status statusOf(Throwable e) {
        return rootOf(e) instanceof ParleyException p ? p.status() : null;
    }

    /** Which server this is, for the login cache: the address connected to. */
    private String server() {
        return String.valueOf(channel.remoteAddress());
    }

    public CompletableFuture<LoginResponse> resume(String token, String device) {
        return call(Types.RESUME, new ResumeRequest(token, device), LoginResponse.class);
    }

    /** LOGOUT: the token is revoked and the server closes the connection. */
    public CompletableFuture<Void> logout() {
        return call(Types.LOGOUT, Empty.INSTANCE, Empty.class).thenApply(e -> null);
    }

    public CompletableFuture<Profile> profile(String username) {
        return call(Types.PROFILE_GET, new ProfileGetRequest(username), Profile.class);
    }

    /** PROFILE_UPDATE; null arguments leave those fields as they are. */
    public CompletableFuture<Void> updateProfile(String nickname, String signature, String avatar) {
        return call(Types.PROFILE_UPDATE, new ProfileUpdateRequest(nickname, signature, avatar), Empty.class)
                .thenApply(e -> null);
    }

    public CompletableFuture<Void> changePassword(String oldPassword, String newPassword) {
        return call(Types.PASSWORD_CHANGE, new PasswordChangeRequest(oldPassword, newPassword), Empty.class)
                .thenApply(e -> null);
    }

    public CompletableFuture<Void> ping() {
        return call(Types.PING, Empty.INSTANCE, Empty.class).thenApply(e -> null);
    }

    // ---- messaging calls ----------------------------------------------------------------------------------

    /**
     * MSG_SEND with the caller's cid. Resending with the same cid after a lost response is safe: the server
     * answers the first msgId and stores nothing new. {@link ParleySession#send} does that for you.
     */
    public CompletableFuture<SendResponse> sendMessage(String to, String text, String cid) {
        return call(Types.MSG_SEND, new SendRequest(to, text, cid), SendResponse.class);
    }

    /** MSG_PULL: entries after seq {@code after}, at most {@code limit} (null: the server's default). */
    public CompletableFuture<PullResponse> pull(long after, Integer limit) {
        return call(Types.MSG_PULL, new PullRequest(after, limit), PullResponse.class);
    }

    /** MSG_ACK: this device holds every entry up to seq. */
    public CompletableFuture<Void> ack(long seq) {
        return call(Types.MSG_ACK, new AckRequest(seq), Empty.class).thenApply(e -> null);
    }

    /** HISTORY of the 1:1 conversation with a user, newest first, before seq {@code before} (null: newest). */
    public CompletableFuture<List<InboxEntry>> history(String with, Long before, Integer limit) {
        return historyPage(with, before, limit).thenApply(HistoryResponse::messages);
    }

    /**
     * One page of {@link #history}: its {@code more} says older entries wait; ask again with {@code before}
     * the seq of the page's last entry. The server cuts a page to fit a frame, so it may hold fewer than asked.
     */
    public CompletableFuture<HistoryResponse> historyPage(String with, Long before, Integer limit) {
        return call(Types.HISTORY, new HistoryRequest(with, null, before, limit), HistoryResponse.class);
    }

    // ---- friends ----------------------------------------------------------------------------------------

    /** FRIEND_ADD; completes with "pending", or "friends" when the other user had asked already. */
    public CompletableFuture<String> addFriend(String username, String note) {
        return call(Types.FRIEND_ADD, new FriendAddRequest(username, note), FriendAddResponse.class)
                .thenApply(FriendAddResponse::status);
    }

    public CompletableFuture<Void> acceptFriend(String username) {
        return call(Types.FRIEND_ACCEPT, new FriendRequest(username), Empty.class).thenApply(e -> null);
    }

    public CompletableFuture<Void> rejectFriend(String username) {
        return call(Types.FRIEND_REJECT, new FriendRequest(username), Empty.class).thenApply(e -> null);
    }

    public CompletableFuture<Void> removeFriend(String username) {
        return call(Types.FRIEND_REMOVE, new FriendRequest(username), Empty.class).thenApply(e -> null);
    }

    /** FRIEND_LIST, every page of it, merged: friends, requests received and requests sent. */
    public CompletableFuture<FriendList> friends() {
        return friendsAfter(null, new FriendList(List.of(), List.of(), List.of()));
    }

    private CompletableFuture<FriendList> friendsAfter(String after, FriendList sofar) {
        return call(Types.FRIEND_LIST, new FriendListRequest(after), FriendList.class).thenCompose(page -> {
            FriendList all = new FriendList(concat(sofar.friends(), page.friends()),
                    concat(sofar.incoming(), page.incoming()), concat(sofar.outgoing(), page.outgoing()));
            return page.more() && page.items() > 0 ? friendsAfter(page.last(), all)
                    : CompletableFuture.completedFuture(all);
        });
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a.size() + b.size());
        out.addAll(a);
        out.addAll(b);
        return out;
    }

    // ---- groups -----------------------------------------------------------------------------------------

    /** GROUP_CREATE; the caller owns the group. Completes with the group id. */
    public CompletableFuture<Long> createGroup(String name, List<String> members) {
        return call(Types.GROUP_CREATE, new GroupCreateRequest(name, members), GroupCreateResponse.class)
                .thenApply(GroupCreateResponse::groupId);
    }

    public CompletableFuture<Void> dissolveGroup(long groupId) {
        return call(Types.GROUP_DISSOLVE, new GroupRequest(groupId), Empty.class).thenApply(e -> null);
    }

    public CompletableFuture<Void> addMembers(long groupId, List<String> members) {
        return call(Types.GROUP_ADD, new GroupMembersRequest(groupId, members), Empty.class).thenApply(e -> null);
    }

    public CompletableFuture<Void> removeMembers(long groupId, List<String> members) {
        return call(Types.GROUP_REMOVE, new GroupMembersRequest(groupId, members), Empty.class).thenApply(e -> null);
    }

    public CompletableFuture<Void> leaveGroup(long groupId) {
        return call(Types.GROUP_LEAVE, new GroupRequest(groupId), Empty.class).thenApply(e -> null);
    }

    /** GROUP_INFO, with every page of members merged. */
    public CompletableFuture<GroupInfo> groupInfo(long groupId) {
        return groupInfoAfter(groupId, null, List.of());
    }

    private CompletableFuture<GroupInfo> groupInfoAfter(long groupId, String after, List<GroupInfo.Member> sofar) {
        return call(Types.GROUP_INFO, new GroupInfoRequest(groupId, after), GroupInfo.class).thenCompose(page -> {
            List<GroupInfo.Member> members = concat(sofar, page.members());
            return page.more() && !page.members().isEmpty()
                    ? groupInfoAfter(groupId, page.members().get(page.members().size() - 1).username(), members)
                    : CompletableFuture.completedFuture(new GroupInfo(page.groupId(), page.name(), page.owner(),
                            members, page.settings()));
        });
    }

    /** GROUP_LIST, every page of it merged: the caller's groups in groupId order. */
    public CompletableFuture<GroupList> groups() {
        return groupsAfter(null, List.of());
    }

    private CompletableFuture<GroupList> groupsAfter(Long after, List<GroupList.Entry> sofar) {
        return call(Types.GROUP_LIST, new GroupListRequest(after), GroupList.class).thenCompose(page -> {
            List<GroupList.Entry> groups = concat(sofar, page.groups());
            return page.more() && !page.groups().isEmpty()
                    ? groupsAfter(page.groups().get(page.groups().size() - 1).groupId(), groups)
                    : CompletableFuture.completedFuture(new GroupList(groups));
        });
    }

    /** GROUP_SEND with the caller's cid; resending with the same cid is safe, as with {@link #sendMessage}. */
    public CompletableFuture<SendResponse> sendToGroup(long groupId, String text, String cid) {
        return call(Types.GROUP_SEND, new GroupSendRequest(groupId, text, cid), SendResponse.class);
    }

    /** HISTORY of a group, newest first, from when the caller joined. */
    public CompletableFuture<List<InboxEntry>> groupHistory(long groupId, Long before, Integer limit) {
        return groupHistoryPage(groupId, before, limit).thenApply(HistoryResponse::messages);
    }

    /** One page of {@link #groupHistory}, with {@code more}, as {@link #historyPage}. */
    public CompletableFuture<HistoryResponse> groupHistoryPage(long groupId, Long before, Integer limit) {
        return call(Types.HISTORY, new HistoryRequest(null, groupId, before, limit), HistoryResponse.class);
    }

    /**
     * MSG_RECALL (the message-recall feature, when the server has it deployed; else UNSUPPORTED): takes a message
     * this user sent back within the server's recallSeconds. Every inbox that held it gets an event entry in its
     * place ({@link #recalledMsgId} reads it); safe to repeat.
     */
    public CompletableFuture<Void> recall(long msgId) {
        return call(Types.MSG_RECALL, new RecallRequest(msgId), JsonObject.class).thenApply(r -> null);
    }

    private record RecallRequest(long msgId) {
    }

    /**
     * The message an inbox entry says was recalled, for the event entry MSG_RECALL leaves ({@code event} of type
     * {@code recall}); empty for any other entry. A client drops that message from its view.
     */
    public static java.util.OptionalLong recalledMsgId(InboxEntry entry) {
        if (!InboxEntry.EVENT.equals(entry.kind()) || entry.event() == null) {
            return java.util.OptionalLong.empty();
        }
        try {
            JsonObject event = JsonParser.parseString(entry.event().json()).getAsJsonObject();
            JsonElement type = event.get("type");
            JsonElement msgId = event.get("msgId");
            return type != null && "recall".equals(type.getAsString()) && msgId != null
                    ? java.util.OptionalLong.of(msgId.getAsLong()) : java.util.OptionalLong.empty();
        } catch (RuntimeException e) {
            return java.util.OptionalLong.empty();
        }
    }

    // ---- generic calls ----------------------------------------------------------------------------------

    /** Sends any request type and reads the response into {@code responseType}. */
    public <T> CompletableFuture<T> call(int type, Object body, Class<T> responseType) {
        return request(type, body).thenApply(json -> gson.fromJson(json, responseType));
    }

    /** Sends any request type with a body (a record or a JsonObject) and completes with the raw response. */
    public CompletableFuture<JsonObject> request(int type, Object body) {
        String id = Long.toString(ids.incrementAndGet());
        JsonObject json = new JsonObject();
        json.addProperty("id", id);
        JsonElement tree = body instanceof JsonElement e ? e : gson.toJsonTree(body);
        tree.getAsJsonObject().entrySet().forEach(e -> {
            if (!e.getKey().equals("id")) {
                json.add(e.getKey(), e.getValue());
            }
        });
        return send(type, id, gson.toJson(json).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a request frame with a body exactly as given (for tests of what the server does with bad input). */
    public CompletableFuture<JsonObject> send(int type, String id, byte[] body) {
        CompletableFuture<JsonObject> future = new CompletableFuture<>();
        if (closed.isDone()) {
            future.completeExceptionally(connectionClosed());
            return future;
        }
        pending.put(id, new Pending(type, future));
        var timeout = channel.eventLoop().schedule(() -> {
            if (pending.remove(id) != null) {
                future.completeExceptionally(new TimeoutException(
                        Types.name(type) + " got no response within " + options.requestTimeout().toMillis() + " ms"));
            }
        }, options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        future.whenComplete((r, e) -> timeout.cancel(false));
        channel.writeAndFlush(Frame.request(type, body)).addListener(f -> {
            if (!f.isSuccess() && pending.remove(id) != null) {
                future.completeExceptionally(connectionClosed());
            }
        });
        if (closed.isDone() && pending.remove(id) != null) {
            future.completeExceptionally(connectionClosed());
        }
        return future;
    }

    // ---- connection ----------------------------------------------------------------------------------

    public void onNotice(NoticeListener listener) {
        listeners.add(listener);
    }

    public void removeNoticeListener(NoticeListener listener) {
        listeners.remove(listener);
    }

    /** True on this client's network thread, where waiting for an answer would wait for ever. */
    boolean inEventLoop() {
        return channel.eventLoop().inEventLoop();
    }

    public boolean isConnected() {
        return channel.isActive();
    }

    /** Completes when the connection has closed, whichever side closed it. */
    public CompletableFuture<Void> closeFuture() {
        return closed;
    }

    /** Closes the connection (and the client's own event loop, if it has one). Calling it again does nothing. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        channel.close().syncUninterruptibly();
        if (ownsEventLoop) {
            channel.eventLoop().parent().shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private void onClosed() {
        closed.complete(null);
        for (String id : List.copyOf(pending.keySet())) {
            Pending p = pending.remove(id);
            if (p != null) {
                p.future().completeExceptionally(connectionClosed());
            }
        }
    }

    private static ParleyException connectionClosed() {
        return new ParleyException(Status.UNAVAILABLE, "The connection is closed.");
    }

    private void onFrame(Frame frame) {
        if (frame.sign() == Sign.NOTICE) {
            Notice notice = new Notice(frame.type(), parse(frame), gson);
            for (NoticeListener listener : listeners) {
                listener.onNotice(notice);
            }
            return;
        }
        if (frame.sign() != Sign.RESPONSE || frame.body().length == 0) {
            return; // an empty-bodied response answers a heartbeat PING, which nobody waits for
        }
        JsonObject json = parse(frame);
        JsonElement id = json.get("id");
        Pending p = id == null || !id.isJsonPrimitive() ? null : pending.remove(id.getAsString());
        if (p == null) {
            return;
        }
        if (frame.status() == Status.OK.code()) {
            p.future().complete(json);
        } else {
            Status status = frame.status() <= Status.INTERNAL.code() ? Status.of(frame.status()) : Status.INTERNAL;
            String error = json.has("error") ? json.get("error").getAsString() : status.name();
            p.future().completeExceptionally(status == Status.RATE_LIMITED && json.has("retryAfterMs")
                    ? ParleyException.rateLimited(error, json.get("retryAfterMs").getAsLong())
                    : new ParleyException(status, error));
        }
    }

    private static JsonObject parse(Frame frame) {
        if (frame.body().length == 0) {
            return new JsonObject();
        }
        try {
            JsonElement element = JsonParser.parseString(frame.bodyText());
            return element.isJsonObject() ? element.getAsJsonObject() : new JsonObject();
        } catch (JsonParseException e) {
            return new JsonObject();
        }
    }

    private static final class Handler extends SimpleChannelInboundHandler<Frame> {
        volatile ParleyClient client;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
            ParleyClient c = client;
            if (c != null) {
                c.onFrame(frame);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(Frame.request(Types.PING, new byte[0]));
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
