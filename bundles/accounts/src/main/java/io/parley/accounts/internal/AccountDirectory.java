package io.parley.accounts.internal;

import io.parley.api.ParleyException;
import io.parley.api.account.Account;
import io.parley.api.account.AuthStartResponse;
import io.parley.api.account.AccountService;
import io.parley.api.account.LoginResponse;
import io.parley.api.account.UserData;
import io.parley.api.account.UserRef;
import io.parley.api.account.Usernames;
import io.parley.api.handler.Request;
import io.parley.api.message.InboxPosition;
import io.parley.api.message.InboxService;
import io.parley.api.session.PushService;
import io.parley.api.session.Session;
import io.parley.api.store.AccountStore;
import io.parley.api.store.AttributeStore;
import io.parley.api.store.Credentials;
import io.parley.api.store.ProfileChange;
import io.parley.api.store.StoredToken;
import io.parley.api.store.TokenStore;
import io.parley.protocol.Scram;
import io.parley.protocol.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account rules: who may register, log in, resume, change a password or a profile. Handlers are thin
 * wrappers around this component; storage is behind the store SPIs.
 */
@Component(service = {AccountService.class, AccountDirectory.class}, configurationPid = "io.parley.accounts",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = AccountsConfiguration.class)
public final class AccountDirectory implements AccountService {

    private static final Logger LOG = LoggerFactory.getLogger(AccountDirectory.class);

    static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
    static final int MIN_PASSWORD = 8;
    static final int MAX_PASSWORD = 1024;
    static final int MAX_NICKNAME = 64;
    /** When a refused device may try again: a guess, as devices log out whenever their users like. */
    private static final long DEVICE_RETRY_MS = 60_000;
    static final int MAX_SIGNATURE = 256;
    static final int MAX_AVATAR = 512;

    /** A successful login: the session to bind and the token to hand to the client (only now, only once). */
    record Login(Session session, String token) {
    }

    private final AccountStore accounts;
    private final TokenStore tokens;
    private final Passwords hasher;
    /** The secret behind made-up salts, shared by every node through the attribute store; see {@link #secret}. */
    private final AttributeStore attributes;
    private volatile byte[] secret;
    private volatile boolean plainLogin = true;
    private final long tokenTtlMs;
    private final WindowLimiter byUsername;
    private final WindowLimiter byAddress;
    /** New accounts per remote address; null when unlimited. */
    private final WindowLimiter registrations;
    /** Password hashes run per username and per address, whatever their outcome; null when unlimited. */
    private final WindowLimiter checksByUsername;
    private final WindowLimiter checksByAddress;
    private volatile int maxDevices;
    private final LongSupplier clock;
    private final SecureRandom random = new SecureRandom();
    static final int MAX_REMEMBERED_USERS = 100_000;
    /** Lower-cased username to identity; see {@link #findUser}. */
    private final Map<String, UserRef> users = new ConcurrentHashMap<>();
    private final ScheduledExecutorService housekeeping;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile InboxService inbox;

    /** What other bundles keep of users (friendships, group memberships), for {@link #delete}. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<UserData> userData = List.of();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PushService push;

    @Activate
    public AccountDirectory(AccountsConfiguration config, @Reference AccountStore accounts,
            @Reference(service = ChosenTokenStore.class) TokenStore tokens,
            @Reference AttributeStore attributes) {
        this(accounts, tokens, attributes, config.pbkdf2Iterations(), Duration.ofHours(config.tokenTtlHours()),
                config.maxFailuresPerUsername(), config.maxFailuresPerAddress(),
                Duration.ofSeconds(config.failureWindowSeconds()), config.maxRegistrationsPerAddress(),
                Duration.ofSeconds(config.registrationWindowSeconds()), config.maxPasswordChecksPerUsername(),
                config.maxPasswordChecksPerAddress(), Duration.ofSeconds(config.passwordCheckWindowSeconds()),
                System::currentTimeMillis);
        maxDevices = config.maxDevicesPerUser();
        plainLogin = config.plainLogin();
    }

    AccountDirectory(AccountStore accounts, TokenStore tokens, int iterations, Duration tokenTtl,
            int maxFailuresPerUsername, int maxFailuresPerAddress, Duration failureWindow,
            int maxRegistrationsPerAddress, Duration registrationWindow, LongSupplier clock) {
        this(accounts, tokens, null, iterations, tokenTtl, maxFailuresPerUsername, maxFailuresPerAddress, failureWindow,
                maxRegistrationsPerAddress, registrationWindow, 0, 0, Duration.ofMinutes(1), clock);
    }

    /** {@code attributes} null: the made-up salts' secret lives in this instance only (tests). */
    AccountDirectory(AccountStore accounts, TokenStore tokens, AttributeStore attributes, int iterations,
            Duration tokenTtl, int maxFailuresPerUsername, int maxFailuresPerAddress, Duration failureWindow,
            int maxRegistrationsPerAddress, Duration registrationWindow, int maxChecksPerUsername,
            int maxChecksPerAddress, Duration checkWindow, LongSupplier clock) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.attributes = attributes;
        this.hasher = new Passwords(iterations);
        this.tokenTtlMs = tokenTtl.toMillis();
        this.byUsername = new WindowLimiter(maxFailuresPerUsername, failureWindow.toMillis(), clock);
        this.byAddress = new WindowLimiter(maxFailuresPerAddress, failureWindow.toMillis(), clock);
        this.registrations = maxRegistrationsPerAddress > 0
                ? new WindowLimiter(maxRegistrationsPerAddress, registrationWindow.toMillis(), clock) : null;
        this.checksByUsername = maxChecksPerUsername > 0
                ? new WindowLimiter(maxChecksPerUsername, checkWindow.toMillis(), clock) : null;
        this.checksByAddress = maxChecksPerAddress > 0
                ? new WindowLimiter(maxChecksPerAddress, checkWindow.toMillis(), clock) : null;
        this.clock = clock;
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "parley-accounts-housekeeping");
            t.setDaemon(true);
            return t;
        });
        housekeeping.scheduleWithFixedDelay(this::housekeep, 1, 60, TimeUnit.MINUTES);
    }

    @Deactivate
    void deactivate() {
        housekeeping.shutdownNow();
    }

    private void housekeep() {
        byUsername.sweep();
        byAddress.sweep();
        for (WindowLimiter optional : new WindowLimiter[] {registrations, checksByUsername, checksByAddress}) {
            if (optional != null) {
                optional.sweep();
            }
        }
        try {
            int purged = tokens.purgeExpired(clock.getAsLong());
            if (purged > 0) {
                LOG.info("Purged {} expired tokens", purged);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not purge expired tokens: {}", e.getMessage());
        }
    }

    @Override
    public Optional<Account> findByUsername(String raw) {
        String username = Usernames.canonical(raw);
        return Usernames.isValid(username) ? accounts.findByUsername(username) : Optional.empty();
    }

    /**
     * From memory after the first lookup: usernames are never renamed or reused, so the id behind one never
     * changes. Unknown names are not remembered (they may register any moment); the map is emptied if it
     * ever holds {@value #MAX_REMEMBERED_USERS} names.
     */
    @Override
    public Optional<UserRef> findUser(String raw) {
        String username = Usernames.canonical(raw);
        if (!Usernames.isValid(username)) {
            return Optional.empty();
        }
        String key = Usernames.key(username);
        UserRef known = users.get(key);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<UserRef> found = findByUsername(username).map(a -> new UserRef(a.id(), a.username()));
        found.ifPresent(u -> {
            if (users.size() >= MAX_REMEMBERED_USERS) {
                users.clear();
            }
            users.put(key, u);
        });
        return found;
    }

    @Override
    public Optional<Account> findById(long userId) {
        return accounts.findById(userId);
    }

    /**
     * Creates an account; one remote address may create {@code maxRegistrationsPerAddress} per window. The
     * attempt is counted before anything is looked up or hashed, so a registration that fails later (a taken
     * name, a value the store refuses) still counts.
     */
    long register(String raw, String password, String nickname, String address) {
        return create(raw, password, nickname, address);
    }

    /**
     * Creates an account as REGISTER does, with every check; {@code address} null for the operator's, which no
     * per-address limit counts.
     */
    long create(String raw, String password, String nickname, String address) {
        String username = Usernames.canonical(raw);
        checkUsername(username);
        checkPassword(password);
        String nick = nickname == null ? username : nickname;
        checkLength("nickname", nick, MAX_NICKNAME);
        checkVisible("nickname", nick);
        long wait = registrations == null || address == null ? 0 : registrations.acquire(address);
        if (wait > 0) {
            throw ParleyException.rateLimited("Too many new accounts from this address; try again later.", wait);
        }
        // A taken name answers without spending a password hash; the unique key still decides races below.
        if (accounts.findByUsername(username).isPresent()) {
            throw ParleyException.conflict("The username '" + username + "' is taken.");
        }
        if (accounts.lookAlike(username).isPresent()) {
            throw ParleyException.conflict("The username '" + username + "' looks too much like one that is taken "
                    + "(0 and o, 1 and l, rn and m ... read alike); choose another.");
        }
        if (address != null) {
            acquireCheck(null, address);
        }
        return accounts.create(username, hasher.hash(password), nick, clock.getAsLong())
                .orElseThrow(() -> ParleyException.conflict("The username '" + username + "' is taken."));
    }

    Login login(String raw, String password, String device, String address) {
        return login(raw, password, device, address, Optional.empty());
    }

    Login login(String raw, String password, String device, String address, Optional<FailedProof> failedScram) {
        if (!plainLogin) {
            throw new ParleyException(Status.UNSUPPORTED, "This server logs in with SCRAM only (AUTH_START, AUTH_FINISH); "
                    + "LOGIN with the password is turned off.");
        }
        checkDevice(device);
        String username = Usernames.canonical(raw);
        boolean valid = Usernames.isValid(username);
        // Only well-formed names are keys, so the limiters' maps hold nothing an attacker made up at will.
        String userKey = valid ? Usernames.key(username) : null;
        // An SDK whose SCRAM proof was refused tries LOGIN once (the account may be from before SCRAM): with the
        // same password that is the same attempt, already counted as a failure by AUTH_FINISH.
        Optional<FailedProof> sameUser = valid ? failedScram.filter(f -> userKey.equals(f.userKey())) : Optional.empty();
        boolean counted = false;
        if (sameUser.isPresent()) {
            acquireCheck(userKey, address); // making the proof again is a PBKDF2 of its own
            counted = sameUser.get().isFrom(password);
        }
        if (!counted) {
            acquireFailure(userKey, address);
        }
        Optional<Credentials> credentials;
        boolean ok = false;
        try {
            acquireCheck(userKey, address);
            credentials = valid ? accounts.credentials(username) : Optional.empty();
            ok = credentials.isPresent()
                    ? hasher.verify(password, credentials.get().passwordHash())
                    : verifyNothing(password);
        } catch (RuntimeException e) {
            if (!counted) {
                releaseFailure(userKey, address); // refused or failed before any password was found wrong
            }
            throw e;
        }
        if (!ok) {
            throw ParleyException.unauthenticated("Wrong username or password.");
        }
        byUsername.clear(userKey);
        byAddress.release(address);
        Credentials c = credentials.get();
        moveToScram(c, password);
        refuseOneDeviceTooMany(c.userId(), device);
        return issueToken(c.userId(), c.username(), device);
    }

    /**
     * An account from before SCRAM gets its SCRAM keys at its first plain LOGIN, the one moment the server
     * has the password; unless a PASSWORD_CHANGE got there first. A failure here does not fail the login.
     */
    private void moveToScram(Credentials c, String password) {
        Optional<ScramCredentials> keys = ScramCredentials.parse(c.passwordHash());
        if (keys.isPresent() && keys.get().iterations() == hasher.iterations()) {
            return;
        }
        try {
            if (accounts.replacePasswordHash(c.userId(), c.passwordHash(), hasher.hash(password))) {
                LOG.info("User {} {} at this login", c.userId(), keys.isPresent()
                        ? "got SCRAM keys with the configured iterations" : "moved to SCRAM credentials");
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not store SCRAM credentials of user {}; the next LOGIN tries again: {}", c.userId(),
                    e.getMessage());
        }
    }

    /**
     * AUTH_START: the salt and iterations of the user's SCRAM keys, and the nonce the proof must sign. A name
     * with no keys (unknown, or an account from before SCRAM) gets a made-up salt that stays the same for it,
     * and the configured iterations, so that the answer looks the same. The exchange is kept on the
     * connection for one AUTH_FINISH.
     */
    AuthStartResponse authStart(Request request, String raw, String device, String clientNonce) {
        checkDevice(device);
        checkNonce(clientNonce);
        String username = Usernames.canonical(raw);
        boolean valid = Usernames.isValid(username);
        String userKey = valid ? Usernames.key(username) : null;
        Optional<Credentials> credentials = valid ? accounts.credentials(username) : Optional.empty();
        ScramCredentials keys = credentials.flatMap(c -> ScramCredentials.parse(c.passwordHash())).orElse(null);
        byte[] salt = keys != null ? keys.salt() : Passwords.madeUpSalt(secret(), valid ? userKey : "\0" + raw);
        int iterations = keys != null ? keys.iterations() : hasher.iterations();
        byte[] own = new byte[Scram.MIN_NONCE_BYTES];
        random.nextBytes(own);
        String nonce = clientNonce + Scram.base64(own);
        String saltText = Scram.base64(salt);
        String authMessage = Scram.authMessage(raw, clientNonce, nonce, saltText, iterations);
        request.keep(new ScramExchange(userKey, valid ? username : null, device, nonce, authMessage, salt, iterations,
                keys == null ? null : credentials.get()));
        return new AuthStartResponse(nonce, saltText, iterations);
    }

    /**
     * AUTH_FINISH: checks the proof against the exchange AUTH_START kept on this connection. A wrong proof
     * counts as a failed login, as a wrong LOGIN password does.
     */
    AuthFinished authFinish(Request request, String nonce, String proof) {
        Object kept = request.take().orElse(null);
        if (kept != null && !(kept instanceof ScramExchange) && kept.getClass().getName().equals(ScramExchange.class.getName())) {
            // Kept by this bundle before it was updated: the login was cut by the update, not by the client.
            throw ParleyException.unavailable("The server was updated during this login; start again with AUTH_START.",
                    null);
        }
        if (!(kept instanceof ScramExchange exchange)) {
            throw ParleyException.badRequest(
                    "AUTH_FINISH answers an AUTH_START on this connection, once: send AUTH_START first.");
        }
        if (!exchange.nonce().equals(nonce)) {
            throw ParleyException.badRequest("The nonce is not the one AUTH_START answered on this connection.");
        }
        byte[] proofBytes;
        try {
            proofBytes = Scram.fromBase64(proof);
        } catch (IllegalArgumentException e) {
            throw ParleyException.badRequest("The proof is not base64.");
        }
        String address = request.remoteAddress();
        acquireFailure(exchange.userKey(), address);
        Credentials c;
        ScramCredentials keys;
        boolean ok;
        try {
            // The keys again, as they are now: a password changed since AUTH_START must not let the old one in.
            // Read for every well-formed name, keys or not, so that the time taken does not tell them apart.
            Credentials now = exchange.username() == null ? null : accounts.credentials(exchange.username()).orElse(null);
            c = exchange.credentials() != null && now != null
                    && now.passwordHash().equals(exchange.credentials().passwordHash()) ? now : null;
            keys = c == null ? null : ScramCredentials.parse(c.passwordHash()).orElseThrow();
            // The same HMACs whether or not there are keys, so that timing does not tell.
            ok = Scram.verify(keys == null ? NO_KEY : keys.storedKey(), exchange.authMessage(), proofBytes) && keys != null;
        } catch (RuntimeException e) {
            releaseFailure(exchange.userKey(), address); // refused or failed before the proof was found wrong
            throw e;
        }
        if (ok) {
            byUsername.clear(exchange.userKey());
            byAddress.release(address);
            refuseOneDeviceTooMany(c.userId(), exchange.device());
            Login login = issueToken(c.userId(), c.username(), exchange.device());
            return new AuthFinished(login, Scram.base64(Scram.serverSignature(keys.serverKey(), exchange.authMessage())));
        }
        request.keep(new FailedProof(exchange.userKey(), exchange.salt(), exchange.iterations(), exchange.authMessage(),
                proofBytes));
        throw ParleyException.unauthenticated("Wrong username or password.");
    }

    private static final byte[] NO_KEY = new byte[32];

    /** A SCRAM login between its two steps, kept on its connection. {@code credentials} null: no SCRAM keys. */
    record ScramExchange(String userKey, String username, String device, String nonce, String authMessage, byte[] salt,
            int iterations, Credentials credentials) {
    }

    /** A successful AUTH_FINISH: the login, and the server's signature for the client to check. */
    record AuthFinished(Login login, String serverSignature) {
    }

    /** The proof AUTH_FINISH refused just before on this connection, if that is what the connection kept. */
    static Optional<FailedProof> failedProof(Request request) {
        return request.take().filter(FailedProof.class::isInstance).map(FailedProof.class::cast);
    }

    /**
     * A proof AUTH_FINISH refused, kept on the connection: a LOGIN that follows with the password the proof
     * was made from is the same attempt (an SDK trying LOGIN for an account from before SCRAM).
     */
    record FailedProof(String userKey, byte[] salt, int iterations, String authMessage, byte[] proof) {

        boolean isFrom(String password) {
            byte[] salted = Scram.saltedPassword(password, salt, iterations);
            return MessageDigest.isEqual(proof, Scram.proof(Scram.clientKey(salted), authMessage));
        }
    }

    static void checkNonce(String clientNonce) {
        byte[] bytes;
        try {
            bytes = clientNonce.length() > Scram.MAX_NONCE_CHARS ? new byte[0] : Scram.fromBase64(clientNonce);
        } catch (IllegalArgumentException e) {
            bytes = new byte[0];
        }
        if (bytes.length < Scram.MIN_NONCE_BYTES) {
            throw ParleyException.badRequest("clientNonce is " + Scram.MIN_NONCE_BYTES + " or more random bytes in "
                    + "base64, at most " + Scram.MAX_NONCE_CHARS + " characters.");
        }
    }

    /**
     * The secret behind made-up salts: random, made once and kept in the attribute store, so that every node
     * and every restart makes the same salt for the same name.
     */
    private byte[] secret() {
        byte[] known = secret;
        long now = clock.getAsLong();
        if (known != null && now - secretReadAt < SECRET_REREAD_MS) {
            return known;
        }
        synchronized (this) {
            if (secret == null || now - secretReadAt >= SECRET_REREAD_MS) {
                secret = loadSecret();
                secretReadAt = now;
            }
            return secret;
        }
    }

    /**
     * The secret is read again this often: two nodes that made the first AUTH_START of a new database at the
     * same instant each keep their own only until then, and from then on both use the one stored.
     */
    private static final long SECRET_REREAD_MS = 60_000;
    private volatile long secretReadAt;

    private byte[] loadSecret() {
        if (attributes == null) {
            return secret != null ? secret : randomSecret(); // tests without a store: one secret per instance
        }
        byte[] made = randomSecret();
        Optional<String> stored = attributes.get(SECRET_NAMESPACE, 0, 0, SECRET_NAME);
        if (stored.isEmpty()) {
            attributes.put(SECRET_NAMESPACE, 0, 0, SECRET_NAME, Scram.base64(made));
            // Read back what is stored: of two nodes writing at once, the later write is the one kept.
            stored = attributes.get(SECRET_NAMESPACE, 0, 0, SECRET_NAME);
        }
        return Scram.fromBase64(stored.orElseThrow());
    }

    private byte[] randomSecret() {
        byte[] made = new byte[32];
        random.nextBytes(made);
        return made;
    }

    /** Where the secret is kept: group 0 and user 0 belong to no group and no user. */
    static final String SECRET_NAMESPACE = "parley.accounts";
    static final String SECRET_NAME = "scramSaltSecret";

    /**
     * Counts a failed attempt before the hash runs, so that concurrent attempts cannot all pass a check made
     * before any of them failed; a caller whose attempt succeeds takes it back.
     */
    private void acquireFailure(String userKey, String address) {
        long wait = userKey == null ? 0 : byUsername.acquire(userKey);
        if (wait == 0) {
            wait = byAddress.acquire(address);
            if (wait > 0 && userKey != null) {
                byUsername.release(userKey);
            }
        }
        if (wait > 0) {
            throw ParleyException.rateLimited("Too many failed attempts; wait before trying again.", wait);
        }
    }

    /** Takes back a failure counted by {@link #acquireFailure} for an attempt that did not fail. */
    private void releaseFailure(String userKey, String address) {
        if (userKey != null) {
            byUsername.release(userKey);
        }
        byAddress.release(address);
    }

    /** Counts a password hash about to run, right or wrong, per username and per address. */
    private void acquireCheck(String userKey, String address) {
        long wait = userKey == null || checksByUsername == null ? 0 : checksByUsername.acquire(userKey);
        if (wait == 0 && checksByAddress != null) {
            wait = checksByAddress.acquire(address);
            if (wait > 0 && userKey != null && checksByUsername != null) {
                checksByUsername.release(userKey);
            }
        }
        if (wait > 0) {
            throw ParleyException.rateLimited("Too many password checks; wait before trying again.", wait);
        }
    }

    /**
     * Each logged-in device gets every notice of its user and keeps a cursor: a user may not log in more
     * devices at once than {@code maxDevicesPerUser}. The same device again is fine: it replaces its older
     * connection.
     */
    private void refuseOneDeviceTooMany(long userId, String device) {
        PushService sessions = push;
        int max = maxDevices;
        if (max <= 0 || sessions == null) {
            return;
        }
        Set<String> online = sessions.devices(userId);
        if (online.size() >= max && !online.contains(device)) {
            throw ParleyException.rateLimited("At most " + max + " devices may be logged in at once; log one out "
                    + "first.", DEVICE_RETRY_MS);
        }
    }

    private boolean verifyNothing(String password) {
        hasher.verifyNothing(password);
        return false;
    }

    Login resume(String token, String device) {
        checkDevice(device);
        StoredToken stored = tokens.find(tokenId(token))
                .filter(t -> t.expiresAt() > clock.getAsLong())
                .filter(t -> t.device().equals(device))
                .orElseThrow(() -> ParleyException.unauthenticated("The token is invalid, expired or revoked."));
        Account account = accounts.findById(stored.userId())
                .orElseThrow(() -> ParleyException.unauthenticated("The token is invalid, expired or revoked."));
        refuseBanned(account.id());
        refuseOneDeviceTooMany(account.id(), device);
        return new Login(new Session(account.id(), account.username(), sharedName(device), stored.tokenId()), token);
    }

    /** What {@link #erase} did. */
    record Erased(String username, long inboxEntries, int tokens, int sessions) {
    }

    /**
     * Erases one user's stored messages (through the messaging bundle), revokes every token and ends every
     * session of the user; the account stays. Empty when there is no such user.
     *
     * @throws ParleyException UNAVAILABLE without a messaging bundle; the store's refusal when it cannot delete
     */
    Optional<Erased> erase(String username) {
        Optional<Account> account = findByUsername(username);
        if (account.isEmpty()) {
            return Optional.empty();
        }
        long id = account.get().id();
        InboxService messages = inbox;
        if (messages == null) {
            throw ParleyException.unavailable("The messaging bundle is not running, so messages cannot be reached.",
                    null);
        }
        long entries = messages.erase(id);
        int revoked = tokens.revokeAllExcept(id, "");
        PushService sessions = push;
        int ended = sessions == null ? 0 : sessions.kick(id, "", "Your data was erased by the server's operator.");
        LOG.info("Erased user {} ({}): {} inbox entries, {} tokens, {} sessions ended", id, account.get().username(),
                entries, revoked, ended);
        return Optional.of(new Erased(account.get().username(), entries, revoked, ended));
    }

    /** What {@link #delete} did: what each bundle holding user data let go of, by its name. */
    record Deleted(String username, long userId, Map<String, Long> forgotten, long inboxEntries, int tokens,
            int sessions) {
    }

    /**
     * Deletes a user and their data: a ban first (so no login slips in), then every token and session, what the
     * other bundles keep ({@link UserData}: friendships, group memberships, each told as when the user leaves),
     * the stored messages, and the account; its name is retired. Empty when there is no such user.
     *
     * @throws ParleyException UNAVAILABLE without a messaging bundle (nothing is changed then)
     */
    Optional<Deleted> delete(String username) {
        Optional<Account> account = findByUsername(username);
        if (account.isEmpty()) {
            return Optional.empty();
        }
        long id = account.get().id();
        UserRef user = new UserRef(id, account.get().username());
        InboxService messages = inbox;
        if (messages == null) {
            throw ParleyException.unavailable("The messaging bundle is not running, so messages cannot be reached; "
                    + "nothing was deleted.", null);
        }
        accounts.setBan(id, "This account is being deleted.", clock.getAsLong());
        int revoked = tokens.revokeAllExcept(id, "");
        PushService sessions = push;
        int ended = sessions == null ? 0 : sessions.kick(id, "", "This account was deleted by the server's operator.");
        Map<String, Long> forgotten = new java.util.TreeMap<>();
        for (UserData holder : userData) {
            forgotten.merge(holder.name(), holder.forget(user), Long::sum);
        }
        long entries = messages.erase(id);
        accounts.delete(id);
        users.remove(Usernames.key(user.username()));
        LOG.info("The operator deleted user {} ({}): {}, {} inbox entries, {} tokens, {} sessions ended", id,
                user.username(), forgotten, entries, revoked, ended);
        return Optional.of(new Deleted(user.username(), id, forgotten, entries, revoked, ended));
    }

    /**
     * Binds the connection to the logged-in device and answers with the inbox position, so the device knows
     * at once what to pull. Without a messaging bundle the inbox is empty.
     */
    LoginResponse startSession(Request request, Login login) {
        request.login(login.session());
        InboxService current = inbox;
        InboxPosition position = current == null ? InboxPosition.EMPTY
                : current.position(login.session().userId(), login.session().device());
        return new LoginResponse(login.session().userId(), login.token(), position.seq(), position.acked());
    }

    void logout(Session session) {
        tokens.revoke(session.tokenId());
    }

    void changePassword(Session session, String oldPassword, String newPassword, String address) {
        String userKey = Usernames.key(session.username());
        checkPassword(newPassword);
        acquireFailure(userKey, address);
        Credentials c;
        boolean ok;
        try {
            acquireCheck(userKey, address);
            c = accounts.credentials(session.username())
                    .orElseThrow(() -> ParleyException.notFound("The account no longer exists."));
            ok = hasher.verify(oldPassword, c.passwordHash());
        } catch (RuntimeException e) {
            releaseFailure(userKey, address); // refused or failed before the old password was found wrong
            throw e;
        }
        if (!ok) {
            throw ParleyException.unauthenticated("The old password is wrong.");
        }
        releaseFailure(userKey, address);
        accounts.updatePasswordHash(c.userId(), hasher.hash(newPassword));
        int revoked = tokens.revokeAllExcept(c.userId(), session.tokenId());
        // Their tokens are gone; their open connections go too, or a stolen session would outlive the change.
        PushService sessions = push;
        int kicked = sessions == null ? 0
                : sessions.kick(c.userId(), session.device(), "The password was changed on another device; log in again.");
        LOG.info("User {} changed password; {} other tokens revoked, {} other sessions ended", c.userId(), revoked, kicked);
    }

    /**
     * The operator sets a user's password: new keys, every token revoked, every session ended. Empty when there
     * is no such user.
     */
    Optional<String> resetPassword(String username, String newPassword) {
        checkPassword(newPassword);
        Optional<Account> account = findByUsername(username);
        if (account.isEmpty()) {
            return Optional.empty();
        }
        long id = account.get().id();
        accounts.updatePasswordHash(id, hasher.hash(newPassword));
        int revoked = tokens.revokeAllExcept(id, "");
        PushService sessions = push;
        int kicked = sessions == null ? 0 : sessions.kick(id, "", "Your password was reset by the server's operator.");
        LOG.info("The operator reset the password of user {}; {} tokens revoked, {} sessions ended", id, revoked, kicked);
        return Optional.of(account.get().username());
    }

    /**
     * The operator bans a user: refused at every login from now on (with the reason), every token revoked, every
     * session ended. {@code reason} null lifts the ban. Empty when there is no such user.
     */
    Optional<String> setBan(String username, String reason) {
        Optional<Account> account = findByUsername(username);
        if (account.isEmpty()) {
            return Optional.empty();
        }
        long id = account.get().id();
        if (reason != null) {
            checkLength("reason", reason, MAX_BAN_REASON);
        }
        accounts.setBan(id, reason, clock.getAsLong());
        if (reason != null) {
            int revoked = tokens.revokeAllExcept(id, "");
            PushService sessions = push;
            int kicked = sessions == null ? 0 : sessions.kick(id, "", "This account was banned by the server's operator.");
            LOG.info("The operator banned user {}; {} tokens revoked, {} sessions ended", id, revoked, kicked);
        } else {
            LOG.info("The operator lifted the ban on user {}", id);
        }
        return Optional.of(account.get().username());
    }

    /** Longest ban reason, as its column holds it. */
    static final int MAX_BAN_REASON = 256;

    /** A page of accounts for the operator: usernames starting with the prefix, after {@code after}. */
    List<Account> list(String prefix, String after, int limit) {
        return accounts.list(prefix, after, limit);
    }

    void updateProfile(long userId, String nickname, String signature, String avatar) {
        checkLength("nickname", nickname, MAX_NICKNAME);
        checkVisible("nickname", nickname);
        checkLength("signature", signature, MAX_SIGNATURE);
        checkLength("avatar", avatar, MAX_AVATAR);
        accounts.updateProfile(userId, new ProfileChange(nickname, signature, avatar));
    }

    /**
     * A login that has proved the password (LOGIN, AUTH_FINISH) or the token (RESUME) is still refused for a banned
     * account, with a sentence that says so.
     */
    private void refuseBanned(long userId) {
        Optional<String> ban = accounts.ban(userId);
        if (ban.isPresent()) {
            throw ParleyException.forbidden("This account is banned by the server's operator"
                    + (ban.get().isBlank() ? "." : ": " + ban.get()));
        }
    }

    private Login issueToken(long userId, String username, String device) {
        refuseBanned(userId);
        byte[] raw = new byte[16];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        long now = clock.getAsLong();
        String id = tokenId(token);
        tokens.save(new StoredToken(id, userId, device, now, now + tokenTtlMs));
        return new Login(new Session(userId, username, sharedName(device), id), token);
    }

    /**
     * One copy of each device name for every session that uses it: a handful of names ("ios", "android", "web")
     * serve most sessions, and a copy each was 48 bytes of every idle connection's heap. Interned strings are
     * collected when no session holds them any more, so names nobody uses do not accumulate.
     */
    private static String sharedName(String device) {
        return device.intern();
    }

    /** What is stored of a token: its SHA-256, so a copy of the database cannot log anyone in. */
    static String tokenId(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void checkUsername(String username) {
        if (!Usernames.isValid(username)) {
            throw ParleyException.badRequest(
                    "A username is 3 to 32 characters: letters, digits, '_', '.' or '-'.");
        }
    }

    static void checkPassword(String password) {
        if (password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            throw ParleyException.badRequest("A password is " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters.");
        }
    }

    static void checkDevice(String device) {
        if (!DEVICE.matcher(device).matches()) {
            throw ParleyException.badRequest("A device name is 1 to 32 characters: letters, digits, '_', '.' or '-'.");
        }
    }

    /**
     * A name people read is shown as it is: no control characters, and no format characters (bidi overrides,
     * zero-width joiners and spaces), which can make one name look like another or reverse what follows it.
     */
    static void checkVisible(String field, String value) {
        if (value == null) {
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            int type = Character.getType(value.charAt(i));
            if (type == Character.CONTROL || type == Character.FORMAT) {
                throw ParleyException.badRequest("The " + field + " may not hold control, bidi or zero-width "
                        + "characters.");
            }
        }
    }

    /**
     * Counted as every store counts it: in UTF-16 units, as H2 does (MySQL counts code points, which are never
     * more), so a value that passes always fits its column; an emoji outside the BMP counts as two.
     */
    static void checkLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw ParleyException.badRequest("The " + field + " may be at most " + max
                    + " characters (an emoji may count as two).");
        }
    }
}
