package io.agenthub.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class AddressRangesTest {

    private static String kind(String literal) throws Exception {
        return AddressRanges.internalKind(InetAddress.getByAddress(AddressRanges.literal(literal)));
    }

    @Test
    void everyInternalRangeIsNamedAndPublicAddressesPass() throws Exception {
        assertThat(kind("127.0.0.2")).isEqualTo("a loopback address");
        assertThat(kind("::1")).isEqualTo("a loopback address");
        assertThat(kind("169.254.169.254")).isEqualTo("a link-local address");
        assertThat(kind("10.0.0.1")).isEqualTo("a private address");
        assertThat(kind("172.31.255.255")).isEqualTo("a private address");
        assertThat(kind("192.168.0.1")).isEqualTo("a private address");
        assertThat(kind("100.127.0.1")).isEqualTo("a carrier-grade NAT address");
        assertThat(kind("224.0.0.251")).isEqualTo("a multicast address");
        assertThat(kind("ff02::1")).isEqualTo("a multicast address");
        assertThat(kind("0.0.0.0")).isEqualTo("an unspecified address");
        assertThat(kind("::")).isEqualTo("an unspecified address");
        assertThat(kind("fd00::1")).isEqualTo("a unique-local address");
        assertThat(kind("fe80::1")).isEqualTo("a link-local address");
        // IPv6 spellings of internal IPv4 addresses are judged by the IPv4 address
        assertThat(kind("::ffff:169.254.169.254")).isEqualTo("a link-local address");
        assertThat(kind("64:ff9b::a00:1")).isEqualTo("a private address");
        assertThat(kind("2002:7f00:1::")).isEqualTo("a loopback address");
        assertThat(kind("64:ff9b:1::a00:1")).isEqualTo("a local IPv4 translation address");
        assertThat(kind("2001:0:4136:e378::1")).isEqualTo("a Teredo tunnel address");
        assertThat(kind("93.184.216.34")).isNull();
        assertThat(kind("172.32.0.1")).isNull();
        assertThat(kind("2606:4700::1111")).isNull();
    }

    @Test
    void rangesContainWhatTheirPrefixSays() {
        var range = AddressRanges.Cidr.parse("10.1.0.0/16");
        assertThat(range.contains(addr("10.1.255.3"))).isTrue();
        assertThat(range.contains(addr("10.2.0.1"))).isFalse();
        assertThat(AddressRanges.Cidr.parse("127.0.0.1").contains(addr("127.0.0.2"))).isFalse();
        assertThat(AddressRanges.literal("agent-hub.example")).isNull();
    }

    private static InetAddress addr(String literal) {
        try {
            return InetAddress.getByAddress(AddressRanges.literal(literal));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
