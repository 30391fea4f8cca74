package io.parley.testkit.wire;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.parley.protocol.Frame;
import io.parley.protocol.Sign;
import io.parley.protocol.Types;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A raw socket that speaks frames byte by byte, for tests of what the server does with bad input. */
public final class WireClient implements AutoCloseable {

    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;

    public WireClient(int port) throws IOException {
        this(port, 0);
    }

    /** With socket buffers of this size (0: the system's), so that a test knows how much the kernel holds. */
    public WireClient(int port, int bufferBytes) throws IOException {
        socket = new Socket();
        if (bufferBytes > 0) {
            socket.setReceiveBufferSize(bufferBytes);
            socket.setSendBufferSize(bufferBytes);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(5000);
        out = new DataOutputStream(socket.getOutputStream());
        in = new DataInputStream(socket.getInputStream());
    }

    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void writeHeader(int magic, int sign, int type, int status, int length) throws IOException {
        out.writeShort(magic);
        out.writeByte(sign);
        out.writeByte(type);
        out.writeByte(status);
        out.writeInt(length);
        out.flush();
    }

    public void send(int sign, int type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        writeHeader(Frame.MAGIC, sign, type, 0, bytes.length);
        out.write(bytes);
        out.flush();
    }

    public void request(int type, String body) throws IOException {
        send(Sign.REQUEST, type, body);
    }

    /** LOGIN as the user on the device; the answer, which the caller checks. */
    public Frame login(String username, String password, String device) throws IOException {
        request(Types.LOGIN, "{\"id\":\"l\",\"username\":\"" + username + "\",\"password\":\"" + password
                + "\",\"device\":\"" + device + "\"}");
        return response();
    }

    /** Requests in one write, so that the server reads them together: {@code type, body, type, body ...}. */
    public void pipeline(Object... typesAndBodies) throws IOException {
        writeRaw(requests(typesAndBodies));
    }

    /** Request frames as bytes, one after the other: {@code type, body, type, body ...}. */
    public static byte[] requests(Object... typesAndBodies) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream frames = new DataOutputStream(bytes);
        for (int i = 0; i < typesAndBodies.length; i += 2) {
            byte[] body = ((String) typesAndBodies[i + 1]).getBytes(StandardCharsets.UTF_8);
            frames.writeShort(Frame.MAGIC);
            frames.writeByte(Sign.REQUEST);
            frames.writeByte((Integer) typesAndBodies[i]);
            frames.writeByte(0);
            frames.writeInt(body.length);
            frames.write(body);
        }
        return bytes.toByteArray();
    }

    public Frame read() throws IOException {
        int magic = in.readUnsignedShort();
        if (magic != Frame.MAGIC) {
            throw new IOException("bad magic from server: " + magic);
        }
        int sign = in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int status = in.readUnsignedByte();
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        return new Frame(sign, type, status, body);
    }

    /** The next response, skipping notices. */
    public Frame response() throws IOException {
        Frame f;
        do {
            f = read();
        } while (f.sign() != Sign.RESPONSE);
        return f;
    }

    public static JsonObject json(Frame f) {
        return JsonParser.parseString(f.bodyText()).getAsJsonObject();
    }

    /** True when the server closed the connection within the socket timeout. */
    public boolean closedByServer() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (EOFException | SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
