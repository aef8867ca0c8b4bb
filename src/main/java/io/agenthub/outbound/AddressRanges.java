package io.agenthub.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The address ranges a tenant's URL may never reach unless an operator allows them: everything
 * that is not a public unicast address. IPv6 forms that embed an IPv4 address are judged by it.
 */
public final class AddressRanges {

    /** A CIDR range, parsed once. */
    public record Cidr(byte[] network, int prefix) {

        public static Cidr parse(String text) {
            String[] parts = text.trim().split("/", 2);
            byte[] address = literal(parts[0]);
            if (address == null) {
                throw new IllegalArgumentException("not an IP address or CIDR range: " + text);
            }
            int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : address.length * 8;
            if (prefix < 0 || prefix > address.length * 8) {
                throw new IllegalArgumentException("prefix out of range: " + text);
            }
            return new Cidr(address, prefix);
        }

        public boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private record Named(Cidr range, String kind) {
        Named(String cidr, String kind) {
            this(Cidr.parse(cidr), kind);
        }
    }

    private static final List<Named> INTERNAL = List.of(
            new Named("0.0.0.0/8", "an unspecified address"),
            new Named("10.0.0.0/8", "a private address"),
            new Named("100.64.0.0/10", "a carrier-grade NAT address"),
            new Named("127.0.0.0/8", "a loopback address"),
            new Named("169.254.0.0/16", "a link-local address"),
            new Named("172.16.0.0/12", "a private address"),
            new Named("192.0.0.0/24", "an IETF protocol address"),
            new Named("192.0.2.0/24", "a documentation address"),
            new Named("192.168.0.0/16", "a private address"),
            new Named("198.18.0.0/15", "a benchmarking address"),
            new Named("198.51.100.0/24", "a documentation address"),
            new Named("203.0.113.0/24", "a documentation address"),
            new Named("224.0.0.0/4", "a multicast address"),
            new Named("240.0.0.0/4", "a reserved address"),
            new Named("::/128", "an unspecified address"),
            new Named("::1/128", "a loopback address"),
            new Named("fc00::/7", "a unique-local address"),
            new Named("fe80::/10", "a link-local address"),
            new Named("fec0::/10", "a site-local address"),
            new Named("ff00::/8", "a multicast address"),
            new Named("2001:db8::/32", "a documentation address"),
            new Named("100::/64", "a discard address"),
            // translation prefixes a network may route to its own IPv4 space
            new Named("64:ff9b:1::/48", "a local IPv4 translation address"),
            new Named("2001::/32", "a Teredo tunnel address"));

    private AddressRanges() {
    }

    /** What kind of internal address this is ("a loopback address"), or null for a public unicast one. */
    public static String internalKind(InetAddress address) {
        InetAddress judged = embeddedIpv4(address);
        for (Named named : INTERNAL) {
            if (named.range().contains(judged)) {
                return named.kind();
            }
        }
        return null;
    }

    /**
     * The IPv4 address inside IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64
     * (64:ff9b::/96) and 6to4 (2002::/16) addresses; the address itself otherwise.
     */
    static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        int offset = -1;
        if (zeros(b, 0, 10) && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0 && !zeros(b, 12, 16)
                && !(zeros(b, 12, 15) && b[15] == 1)))) {
            offset = 12;
        } else if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && zeros(b, 4, 12)) {
            offset = 12;
        } else if (b[0] == 0x20 && b[1] == 0x02) {
            offset = 2;
        }
        if (offset < 0) {
            return address;
        }
        try {
            return Inet4Address.getByAddress(new byte[] { b[offset], b[offset + 1], b[offset + 2], b[offset + 3] });
        } catch (UnknownHostException e) {
            return address;
        }
    }

    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** The bytes of an IPv4 or IPv6 literal (brackets allowed), or null when the text is a host name. */
    public static byte[] literal(String host) {
        String text = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (text.isEmpty()) {
            return null;
        }
        if (text.indexOf(':') >= 0) {
            if (!text.matches("[0-9A-Fa-f:.]+")) {
                return null;
            }
        } else if (!text.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            return null;
        }
        try {
            // a literal of only digits, dots and colons: parsed, never looked up
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
