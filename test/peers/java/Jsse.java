// A Java JSSE peer for the ut-tls interop tests (test/peers/jsse.test.ts): TLS 1.0 only (with
// tls10.security re-enabling it), on 127.0.0.1, JDK classes only. One JSON line per connection.
//
//   java Jsse server --cert F --key F [--suites A,B] [--alpn h2,http/1.1]
//       prints {"listening":PORT}, then per connection a report; echoes until EOF
//   java Jsse client --port P --ca F [--suites A,B] [--alpn ...] [--connections N] [--message TEXT]
//       N connections from one SSLContext (one client session cache); each writes TEXT, reads it back
//
// "resumed": JSSE has no DidResume; a connection is resumed when its session is one an earlier
// connection of this process already had (same session id and same creation time).
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public class Jsse {
  private static final char[] PASSWORD = "interop".toCharArray();
  /** Session id (hex) -> creation time, of every connection so far. */
  private static final Map<String, Long> seen = new HashMap<>();

  public static void main(String[] argv) throws Exception {
    Map<String, String> opt = new HashMap<>();
    for (int i = 1; i + 1 < argv.length; i += 2) opt.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    String mode = argv.length > 0 ? argv[0] : "";
    SSLContext ctx = SSLContext.getInstance("TLS");
    if (mode.equals("server")) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      List<Certificate> chain = certificates(opt.get("cert"));
      ks.setKeyEntry("server", privateKey(opt.get("key")), PASSWORD, chain.toArray(new Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, PASSWORD);
      ctx.init(kmf.getKeyManagers(), null, null);
      serve(ctx, opt);
    } else if (mode.equals("client")) {
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      int n = 0;
      for (Certificate c : certificates(opt.get("ca"))) ts.setCertificateEntry("ca" + n++, c);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      ctx.init(null, tmf.getTrustManagers(), null);
      int connections = Integer.parseInt(opt.getOrDefault("connections", "1"));
      for (int i = 0; i < connections; i++) dial(ctx, opt);
    } else {
      System.err.println("usage: Jsse server|client [--option value]...");
      System.exit(2);
    }
  }

  private static void configure(SSLSocket s, Map<String, String> opt) {
    SSLParameters p = s.getSSLParameters();
    p.setProtocols(new String[] {"TLSv1"});
    if (opt.containsKey("suites")) p.setCipherSuites(opt.get("suites").split(","));
    if (opt.containsKey("alpn")) p.setApplicationProtocols(opt.get("alpn").split(","));
    if (!s.getUseClientMode()) p.setUseCipherSuitesOrder(true);
    else p.setEndpointIdentificationAlgorithm("HTTPS"); // RFC 2818 name check: 127.0.0.1 is in the SAN
    s.setSSLParameters(p);
  }

  private static void serve(SSLContext ctx, Map<String, String> opt) throws Exception {
    SSLServerSocket ss = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 8, java.net.InetAddress.getByName("127.0.0.1"));
    System.out.println("{\"listening\":" + ss.getLocalPort() + "}");
    System.out.flush();
    for (;;) {
      // One connection at a time: the reports come out in connection order.
      try (SSLSocket s = (SSLSocket) ss.accept()) {
        s.setUseClientMode(false);
        s.setSoTimeout(20_000);
        configure(s, opt);
        try {
          s.startHandshake();
        } catch (Exception e) {
          report("server", null, null, e);
          continue;
        }
        report("server", s, null, null);
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[4096];
        try {
          for (int r; (r = in.read(buf)) > 0; ) {
            out.write(buf, 0, r);
            out.flush();
          }
        } catch (Exception e) {
          // The peer went away without close_notify: nothing more to echo.
        }
      }
    }
  }

  private static void dial(SSLContext ctx, Map<String, String> opt) throws Exception {
    String message = opt.getOrDefault("message", "ping\n");
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", Integer.parseInt(opt.get("port")));
    try {
      s.setSoTimeout(10_000);
      configure(s, opt);
      s.startHandshake();
      byte[] want = message.getBytes(StandardCharsets.ISO_8859_1);
      s.getOutputStream().write(want);
      s.getOutputStream().flush();
      byte[] got = s.getInputStream().readNBytes(want.length);
      report("client", s, new String(got, StandardCharsets.ISO_8859_1), null);
    } catch (Exception e) {
      report("client", null, null, e);
    } finally {
      s.close();
    }
  }

  private static void report(String role, SSLSocket s, String echo, Exception error) {
    StringBuilder b = new StringBuilder("{\"role\":").append(quote(role));
    if (s != null) {
      SSLSession session = s.getSession();
      String id = HexFormat.of().formatHex(session.getId());
      Long created = seen.get(id);
      boolean resumed = id.length() > 0 && created != null && created == session.getCreationTime();
      seen.put(id, session.getCreationTime());
      String alpn = s.getApplicationProtocol();
      b.append(",\"version\":").append(quote(session.getProtocol()))
          .append(",\"suite\":").append(quote(session.getCipherSuite()))
          .append(",\"resumed\":").append(resumed)
          .append(",\"alpn\":").append(quote(alpn == null ? "" : alpn))
          .append(",\"sessionId\":").append(quote(id));
    }
    if (echo != null) b.append(",\"echo\":").append(quote(echo));
    if (error != null) b.append(",\"error\":").append(quote(error.toString()));
    System.out.println(b.append('}'));
    System.out.flush();
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  private static byte[] pemBlock(String text, String label) {
    String begin = "-----BEGIN " + label + "-----";
    int start = text.indexOf(begin);
    int end = text.indexOf("-----END " + label + "-----");
    if (start < 0 || end < 0) throw new IllegalArgumentException("no " + label + " PEM block");
    return Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end));
  }

  private static PrivateKey privateKey(String file) throws Exception {
    byte[] der = pemBlock(Files.readString(Path.of(file)), "PRIVATE KEY"); // PKCS#8
    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
  }

  private static List<Certificate> certificates(String file) throws Exception {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    return new ArrayList<>(cf.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(Path.of(file)))));
  }
}
