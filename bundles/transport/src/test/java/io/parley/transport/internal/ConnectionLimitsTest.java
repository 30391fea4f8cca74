package io.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** Connections counted in when accepted and out when they close, in total and per client address. */
class ConnectionLimitsTest {

    /** A channel from a client address (an embedded channel has none of its own). */
    private static EmbeddedChannel from(String ip) {
        InetSocketAddress remote = new InetSocketAddress(address(ip), 40_000);
        return new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return remote;
            }
        };
    }

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anAddressHoldsAtMostItsCapAndGetsAConnectionBackWhenOneCloses() {
        ConnectionLimits limits = new ConnectionLimits(0, 2);
        EmbeddedChannel first = from("10.0.0.1");
        assertTrue(limits.admit(first));
        assertTrue(limits.admit(from("10.0.0.1")));
        assertFalse(limits.admit(from("10.0.0.1")), "a third from the same address");
        assertTrue(limits.admit(from("10.0.0.2")), "another address has its own count");

        first.close();
        assertTrue(limits.admit(from("10.0.0.1")), "the closed one was counted out");
        assertFalse(limits.admit(from("10.0.0.1")));
    }

    @Test
    void theTotalIsCappedAndARefusedConnectionIsNotCountedForItsAddress() {
        ConnectionLimits limits = new ConnectionLimits(2, 1);
        EmbeddedChannel a = from("10.0.0.1");
        assertTrue(limits.admit(a));
        assertTrue(limits.admit(from("10.0.0.2")));
        assertFalse(limits.admit(from("10.0.0.3")), "over the total");
        a.close();
        // Had the refused one been counted for 10.0.0.3, it would be at its cap of 1 now.
        assertTrue(limits.admit(from("10.0.0.3")));
        assertFalse(limits.admit(new EmbeddedChannel()), "a channel without an address counts in the total");
    }

    @Test
    void aChannelWithoutAnAddressIsCountedInTheTotalOnly() {
        ConnectionLimits limits = new ConnectionLimits(1, 1);
        EmbeddedChannel local = new EmbeddedChannel();
        assertTrue(limits.admit(local));
        assertFalse(limits.admit(from("10.0.0.1")));
        local.close();
        assertTrue(limits.admit(from("10.0.0.1")));
    }

    @Test
    void aBalancersChannelIsCountedForItsClientOnceTheHeaderNamesIt() {
        ConnectionLimits limits = new ConnectionLimits(0, 1);
        EmbeddedChannel balanced = from("192.168.0.9");
        ConnectionLimits.Admission admission = limits.admitToTotal(balanced);
        assertNotNull(admission);
        assertTrue(admission.from(address("10.0.0.1")));
        assertFalse(limits.admit(from("10.0.0.1")), "the client's address is at its cap");

        balanced.close();
        assertTrue(limits.admit(from("10.0.0.1")), "counted out when the balancer's channel closed");
    }

    @Test
    void aBalancersChannelOverTheTotalIsRefused() {
        ConnectionLimits one = new ConnectionLimits(1, 0);
        assertNotNull(one.admitToTotal(from("192.168.0.9")));
        assertNull(one.admitToTotal(from("192.168.0.9")));
    }

    @Test
    void aBalancersChannelClosedBeforeItsHeaderLeavesNothingCounted() {
        ConnectionLimits limits = new ConnectionLimits(0, 1);
        EmbeddedChannel balanced = from("192.168.0.9");
        ConnectionLimits.Admission admission = limits.admitToTotal(balanced);
        balanced.close();
        assertTrue(admission.from(address("10.0.0.1")));
        assertTrue(limits.admit(from("10.0.0.1")), "the late header's count was released at once");
    }

    @Test
    void aChannelThatHadNoAddressWhenAdmittedNeverCountsAnotherOut() {
        ConnectionLimits limits = new ConnectionLimits(0, 1);
        assertTrue(limits.admit(from("10.0.0.1")));
        InetSocketAddress later = new InetSocketAddress(address("10.0.0.1"), 40_001);
        boolean[] known = {false};
        EmbeddedChannel late = new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return known[0] ? later : null;
            }
        };
        assertTrue(limits.admit(late), "counted in the total only");
        known[0] = true;
        late.close();
        assertFalse(limits.admit(from("10.0.0.1")), "the first connection from 10.0.0.1 is still counted");
    }
}
