package io.agenthub.oauth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * OpenPGP password-based encryption (RFC 4880) as pgcrypto's {@code pgp_sym_encrypt} writes it with
 * {@code cipher-algo=aes256, compress-algo=0}: a symmetric-key session packet with an iterated and
 * salted SHA-1 S2K, then integrity-protected data (MDC) around a text literal packet. Done here
 * rather than in PostgreSQL so that neither the key nor the plaintext is ever a statement
 * parameter, which PostgreSQL's statement and slow-query logs would keep; the ciphertexts stay
 * what {@code encrypt_token}/{@code decrypt_token} read and write, in both directions.
 */
final class PgpSymmetric {

    private static final int AES_256 = 9;
    private static final int SHA_1 = 2;
    private static final int BLOCK = 16;
    /** 65,536 bytes hashed per key, pgcrypto's lowest default. */
    private static final int S2K_COUNT_BYTE = 0x60;

    private final SecureRandom random;

    PgpSymmetric(SecureRandom random) {
        this.random = random;
    }

    byte[] encrypt(String plaintext, String passphrase) {
        try {
            byte[] salt = new byte[8];
            random.nextBytes(salt);
            byte[] key = s2k(passphrase, salt, count(S2K_COUNT_BYTE));

            ByteArrayOutputStream skesk = new ByteArrayOutputStream();
            skesk.write(4);
            skesk.write(AES_256);
            skesk.write(3);
            skesk.write(SHA_1);
            skesk.write(salt);
            skesk.write(S2K_COUNT_BYTE);

            byte[] text = plaintext.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream literal = new ByteArrayOutputStream();
            literal.write('t');
            literal.write(0);
            literal.write(new byte[4]);
            literal.write(text);

            ByteArrayOutputStream clear = new ByteArrayOutputStream();
            byte[] prefix = new byte[BLOCK + 2];
            random.nextBytes(prefix);
            prefix[BLOCK] = prefix[BLOCK - 2];
            prefix[BLOCK + 1] = prefix[BLOCK - 1];
            clear.write(prefix);
            packet(clear, 11, literal.toByteArray());
            clear.write(0xD3);
            clear.write(0x14);
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            clear.write(sha1.digest(clear.toByteArray()));

            ByteArrayOutputStream seipd = new ByteArrayOutputStream();
            seipd.write(1);
            seipd.write(cfb(Cipher.ENCRYPT_MODE, key, clear.toByteArray()));

            ByteArrayOutputStream message = new ByteArrayOutputStream();
            packet(message, 3, skesk.toByteArray());
            packet(message, 18, seipd.toByteArray());
            return message.toByteArray();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("OpenPGP encryption failed", e);
        }
    }

    /** The plaintext, or an exception when the key is wrong or the message was altered or cut short. */
    String decrypt(byte[] message, String passphrase) {
        try {
            return open(message, passphrase);
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("truncated OpenPGP data", e);
        }
    }

    private String open(byte[] message, String passphrase) {
        try {
            Reader in = new Reader(message);
            byte[] skesk = null;
            byte[] seipd = null;
            while (in.more() && seipd == null) {
                int[] tag = new int[1];
                byte[] body = in.packet(tag);
                if (tag[0] == 3) {
                    skesk = body;
                } else if (tag[0] == 18) {
                    seipd = body;
                }
            }
            if (skesk == null || seipd == null || skesk[0] != 4 || skesk[1] != AES_256 || skesk[2] != 3 || skesk[3] != SHA_1
                    || skesk.length != 13 || seipd[0] != 1) {
                throw new IllegalArgumentException("not an AES-256 password-encrypted OpenPGP message");
            }
            byte[] key = s2k(passphrase, Arrays.copyOfRange(skesk, 4, 12), count(skesk[12] & 0xFF));
            byte[] clear = cfb(Cipher.DECRYPT_MODE, key, Arrays.copyOfRange(seipd, 1, seipd.length));
            if (clear.length < BLOCK + 2 + 22 || clear[BLOCK] != clear[BLOCK - 2] || clear[BLOCK + 1] != clear[BLOCK - 1]) {
                throw new IllegalArgumentException("wrong key or corrupt data");
            }
            int mdc = clear.length - 22;
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(clear, 0, mdc + 2);
            if ((clear[mdc] & 0xFF) != 0xD3 || clear[mdc + 1] != 0x14
                    || !MessageDigest.isEqual(sha1.digest(), Arrays.copyOfRange(clear, mdc + 2, clear.length))) {
                throw new IllegalArgumentException("the message was altered (MDC mismatch)");
            }
            Reader inner = new Reader(Arrays.copyOfRange(clear, BLOCK + 2, mdc));
            int[] tag = new int[1];
            byte[] literal = inner.packet(tag);
            if (tag[0] != 11) {
                throw new IllegalArgumentException("no literal data packet (compressed data is not written here)");
            }
            int start = 2 + (literal[1] & 0xFF) + 4;
            return new String(literal, start, literal.length - start, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("OpenPGP decryption failed", e);
        }
    }

    private static byte[] cfb(int mode, byte[] key, byte[] data) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/CFB/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[BLOCK]));
        return cipher.doFinal(data);
    }

    private static int count(int c) {
        return (16 + (c & 15)) << ((c >> 4) + 6);
    }

    /** RFC 4880 section 3.7.1.3, stretched to 32 bytes with zero-preloaded SHA-1 contexts. */
    private static byte[] s2k(String passphrase, byte[] salt, int count) throws GeneralSecurityException {
        byte[] pass = passphrase.getBytes(StandardCharsets.UTF_8);
        byte[] unit = new byte[salt.length + pass.length];
        System.arraycopy(salt, 0, unit, 0, salt.length);
        System.arraycopy(pass, 0, unit, salt.length, pass.length);
        int total = Math.max(count, unit.length);
        byte[] key = new byte[32];
        int filled = 0;
        for (int round = 0; filled < key.length; round++) {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(new byte[round]);
            int left = total;
            while (left > 0) {
                int n = Math.min(left, unit.length);
                sha1.update(unit, 0, n);
                left -= n;
            }
            byte[] digest = sha1.digest();
            int n = Math.min(digest.length, key.length - filled);
            System.arraycopy(digest, 0, key, filled, n);
            filled += n;
        }
        return key;
    }

    /** A new-format packet with a definite length. */
    private static void packet(ByteArrayOutputStream out, int tag, byte[] body) {
        out.write(0xC0 | tag);
        int n = body.length;
        if (n < 192) {
            out.write(n);
        } else if (n < 8384) {
            out.write(((n - 192) >> 8) + 192);
            out.write((n - 192) & 0xFF);
        } else {
            out.write(0xFF);
            out.write(n >>> 24);
            out.write(n >>> 16);
            out.write(n >>> 8);
            out.write(n);
        }
        out.write(body, 0, n);
    }

    /** Packets in old or new format, partial body lengths included (pgcrypto streams its data packets). */
    private static final class Reader {

        private final byte[] data;
        private int at;

        Reader(byte[] data) {
            this.data = data;
        }

        boolean more() {
            return at < data.length;
        }

        private int next() {
            if (at >= data.length) {
                throw new IllegalArgumentException("truncated OpenPGP data");
            }
            return data[at++] & 0xFF;
        }

        byte[] packet(int[] tag) {
            int header = next();
            if ((header & 0x80) == 0) {
                throw new IllegalArgumentException("not an OpenPGP packet");
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if ((header & 0x40) == 0) {
                tag[0] = (header >> 2) & 0x0F;
                int type = header & 3;
                int length = type == 0 ? next() : type == 1 ? (next() << 8) | next()
                        : type == 2 ? (next() << 24) | (next() << 16) | (next() << 8) | next() : data.length - at;
                take(body, length);
                return body.toByteArray();
            }
            tag[0] = header & 0x3F;
            while (true) {
                int first = next();
                if (first < 192) {
                    take(body, first);
                    return body.toByteArray();
                } else if (first < 224) {
                    take(body, ((first - 192) << 8) + next() + 192);
                    return body.toByteArray();
                } else if (first == 255) {
                    take(body, (next() << 24) | (next() << 16) | (next() << 8) | next());
                    return body.toByteArray();
                }
                take(body, 1 << (first & 0x1F));
            }
        }

        private void take(ByteArrayOutputStream body, int length) {
            if (length < 0 || at + length > data.length) {
                throw new IllegalArgumentException("truncated OpenPGP data");
            }
            body.write(data, at, length);
            at += length;
        }
    }
}
