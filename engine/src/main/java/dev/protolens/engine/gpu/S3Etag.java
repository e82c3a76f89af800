package dev.protolens.engine.gpu;

import dev.protolens.engine.hub.FileTransfers;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The check an S3-style ETag allows. DJL publishes libtorch on S3 behind CloudFront, which passes the object's ETag
 * on: for a file uploaded in one piece it is the MD5 of the bytes, for a multipart upload the MD5 of the parts' MD5s
 * followed by "-" and the number of parts. The part size is not in the ETag; every whole number of MiB that gives
 * that many parts is tried in the same pass over the bytes (the AWS CLI's default is 8 MiB). Any other ETag gives no
 * check here; gzip's own CRC-32 and length are still checked when the file is unpacked.
 */
final class S3Etag {
    private static final Pattern SINGLE = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern MULTI = Pattern.compile("([0-9a-f]{32})-(\\d+)");
    private static final long MIB = 1 << 20;

    private S3Etag() {}

    /** The check for an ETag as a server sent it (quotes and W/ allowed); {@link FileTransfers.Check#NONE} if none. */
    static FileTransfers.Check of(String etag, long size) {
        if (etag == null) {
            return FileTransfers.Check.NONE;
        }
        String e = etag.strip();
        if (e.startsWith("W/")) {
            return FileTransfers.Check.NONE; // a weak tag promises equivalence, not the same bytes
        }
        e = e.replace("\"", "").toLowerCase(Locale.ROOT);
        if (SINGLE.matcher(e).matches()) {
            return FileTransfers.Check.md5(e);
        }
        Matcher m = MULTI.matcher(e);
        if (m.matches()) {
            int parts = Integer.parseInt(m.group(2));
            List<Long> sizes = partSizes(size, parts);
            return sizes.isEmpty() ? FileTransfers.Check.NONE : multipart(e, sizes);
        }
        return FileTransfers.Check.NONE;
    }

    /** Whole-MiB part sizes that cut {@code size} bytes into exactly {@code parts} parts. */
    static List<Long> partSizes(long size, int parts) {
        List<Long> out = new ArrayList<>();
        if (parts < 1 || size <= 0) {
            return out;
        }
        if (parts == 1) {
            out.add(Math.max(size, MIB));
            return out;
        }
        long lo = Math.max(1, (size + parts - 1) / parts / MIB); // ceil(size/p) == parts needs p >= size/parts
        for (long mib = lo; mib * MIB * (parts - 1) < size && out.size() < 64; mib++) {
            long p = mib * MIB;
            if ((size + p - 1) / p == parts) {
                out.add(p);
            }
        }
        return out;
    }

    private static FileTransfers.Check multipart(String want, List<Long> partSizes) {
        return size -> new FileTransfers.Check.Hasher() {
            final Candidate[] candidates = partSizes.stream().map(Candidate::new).toArray(Candidate[]::new);

            @Override
            public void update(byte[] b, int off, int len) {
                for (Candidate c : candidates) {
                    c.update(b, off, len);
                }
            }

            @Override
            public FileTransfers.Check.Mismatch mismatch() {
                String got = null;
                for (Candidate c : candidates) {
                    got = c.finish();
                    if (got.equals(want)) {
                        return null;
                    }
                }
                return new FileTransfers.Check.Mismatch("S3 multipart md5 (" + (candidates.length == 1
                        ? candidates[0].partSize / MIB + " MiB parts" : candidates.length + " part sizes tried") + ")",
                        got, want);
            }
        };
    }

    /** The multipart ETag for one part size, computed as the bytes go by. */
    private static final class Candidate {
        final long partSize;
        final MessageDigest part = md5();
        final MessageDigest all = md5();
        long inPart;
        int parts;

        Candidate(long partSize) {
            this.partSize = partSize;
        }

        void update(byte[] b, int off, int len) {
            while (len > 0) {
                int n = (int) Math.min(len, partSize - inPart);
                part.update(b, off, n);
                inPart += n;
                off += n;
                len -= n;
                if (inPart == partSize) {
                    all.update(part.digest());
                    parts++;
                    inPart = 0;
                }
            }
        }

        String finish() {
            if (inPart > 0) {
                all.update(part.digest());
                parts++;
                inPart = 0;
            }
            return HexFormat.of().formatHex(all.digest()) + "-" + parts;
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
