package io.parley.protocol;

/**
 * Type codes of protocol version 1. Core types are 0..63; feature bundles register 64..127.
 */
public final class Types {
    public static final int PING = 0;
    public static final int REGISTER = 1;
    public static final int LOGIN = 2;
    public static final int RESUME = 3;
    public static final int LOGOUT = 4;
    public static final int PROFILE_GET = 5;
    public static final int PROFILE_UPDATE = 6;
    public static final int PASSWORD_CHANGE = 7;
    /** Notice: this connection was replaced or closed by the server. */
    public static final int KICKED = 8;

    public static final int FRIEND_ADD = 10;
    public static final int FRIEND_ACCEPT = 11;
    public static final int FRIEND_REJECT = 12;
    public static final int FRIEND_REMOVE = 13;
    public static final int FRIEND_LIST = 14;
    /** Notice. */
    public static final int FRIEND_EVENT = 15;
    /** Notice. */
    public static final int PRESENCE = 16;

    public static final int MSG_SEND = 20;
    /** Notice. */
    public static final int MSG_NOTIFY = 21;
    public static final int MSG_PULL = 22;
    public static final int MSG_ACK = 23;
    public static final int HISTORY = 24;

    public static final int GROUP_CREATE = 30;
    public static final int GROUP_DISSOLVE = 31;
    public static final int GROUP_ADD = 32;
    public static final int GROUP_REMOVE = 33;
    public static final int GROUP_LEAVE = 34;
    public static final int GROUP_INFO = 35;
    public static final int GROUP_LIST = 36;
    public static final int GROUP_SEND = 37;

    /** SCRAM-SHA-256 login, step one: the server's nonce, salt and iterations. */
    public static final int AUTH_START = 40;
    /** SCRAM-SHA-256 login, step two: the client's proof; answered as LOGIN, plus the server's signature. */
    public static final int AUTH_FINISH = 41;

    // Feature types of qq-group-rules (64..70); answered only while that bundle is installed.
    public static final int GROUP_SET_ROLE = 64;
    public static final int GROUP_TRANSFER = 65;
    public static final int GROUP_MUTE = 66;
    public static final int GROUP_MUTE_ALL = 67;
    public static final int GROUP_SETTINGS = 68;
    public static final int GROUP_JOIN = 69;
    public static final int GROUP_JOIN_DECIDE = 70;

    // Feature types of message-recall (72); answered only while that bundle is installed.
    /** The sender takes a message back within recallSeconds: every inbox holding it gets an event instead. */
    public static final int MSG_RECALL = 72;

    private static final String[] NAMES = new String[256];

    static {
        for (var field : Types.class.getFields()) {
            try {
                NAMES[field.getInt(null)] = field.getName();
            } catch (IllegalAccessException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    private Types() {
    }

    /** True for the types a connection may send before it has logged in. */
    public static boolean allowedBeforeLogin(int type) {
        return type == PING || type == REGISTER || type == LOGIN || type == RESUME || type == AUTH_START
                || type == AUTH_FINISH;
    }

    /** A readable name for logs: the constant's name, or the number for types this class does not know. */
    public static String name(int type) {
        String name = type >= 0 && type < NAMES.length ? NAMES[type] : null;
        return name != null ? name : "type " + type;
    }
}
