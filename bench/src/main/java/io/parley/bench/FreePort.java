package io.parley.bench;

import java.net.ServerSocket;

/** Prints a free loopback port, for bench/run.sh. */
public final class FreePort {
    public static void main(String[] args) throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            System.out.println(s.getLocalPort());
        }
    }
}
