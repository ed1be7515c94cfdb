package io.imsystem.common.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/** An address range (an address alone is a range of one): the network's bytes and how many leading bits must match. */
public record Cidr(byte[] network, int bits) {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");

    /** {@code 10.0.0.0/8}, {@code 192.0.2.7}, {@code fd00::/8}; IllegalArgumentException for anything else. */
    public static Cidr parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        byte[] net = literal(slash < 0 ? t : t.substring(0, slash));
        if (net == null) {
            throw new IllegalArgumentException("not an address or CIDR: " + text);
        }
        try {
            int bits = slash < 0 ? net.length * 8 : Integer.parseInt(t.substring(slash + 1));
            if (bits < 0 || bits > net.length * 8) {
                throw new IllegalArgumentException("not an address or CIDR: " + text);
            }
            return new Cidr(net, bits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an address or CIDR: " + text, e);
        }
    }

    /** The ranges of a list of addresses and CIDRs (blank entries skipped). */
    public static List<Cidr> parseAll(List<String> texts) {
        return texts.stream().filter(t -> t != null && !t.isBlank()).map(Cidr::parse).toList();
    }

    /** Whether {@code address} (the bytes of an IPv4 or IPv6 address) is in this range. */
    public boolean contains(byte[] address) {
        if (address == null) {
            return false;
        }
        byte[] a = address;
        if (a.length == 16 && network.length == 4 && isMappedV4(a)) {
            a = new byte[] {a[12], a[13], a[14], a[15]};
        }
        if (a.length != network.length) {
            return false;
        }
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((a[i / 8] & mask) != (network[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** Whether any range contains {@code address}. */
    public static boolean any(List<Cidr> ranges, byte[] address) {
        for (Cidr c : ranges) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The bytes of an IP address literal (IPv4 dotted quad, or IPv6 with or without brackets), or null for
     * anything else. Never a name lookup: a host name is not an address.
     */
    public static byte[] literal(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        int zone = t.indexOf('%');
        if (zone >= 0) {
            t = t.substring(0, zone);
        }
        if (t.isEmpty() || t.length() > 45) {
            return null;
        }
        if (IPV4.matcher(t).matches() || (t.indexOf(':') >= 0 && t.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0))) {
            try {
                // A literal with a colon (or a dotted quad) is parsed, never looked up.
                return InetAddress.getByName(t).getAddress();
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    private static boolean isMappedV4(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }
}
