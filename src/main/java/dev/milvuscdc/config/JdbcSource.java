package dev.milvuscdc.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MySQL/MariaDB task store's connection, from {@code metaStoreConfig.mysqlSourceUrl}: either a
 * Go DSN {@code user:password@tcp(host:port)/db?charset=utf8} as the reference takes it, or a
 * {@code jdbc:} URL used as is (credentials then come from the URL).
 */
public record JdbcSource(String url, String user, Secret password) {

    private static final Pattern GO_DSN =
            Pattern.compile("^(?:([^:@]*)(?::(.*))?@)?(?:tcp\\(([^)]*)\\))?/([^?]*)(?:\\?.*)?$");

    /** The URL without its query, where a {@code jdbc:} URL may carry the password. */
    @Override
    public String toString() {
        int query = url.indexOf('?');
        String shown = query < 0 ? url : url.substring(0, query) + "?******";
        return "JdbcSource[url=" + shown + ", user=" + user + ", password=" + password + "]";
    }

    static JdbcSource parse(String dsn) {
        if (dsn.startsWith("jdbc:")) {
            return new JdbcSource(dsn, null, new Secret(null));
        }
        Matcher m = GO_DSN.matcher(dsn);
        if (!m.matches() || m.group(4).isEmpty()) {
            throw new ConfigException("metaStoreConfig.mysqlSourceUrl: not a DSN of the form "
                    + "user:password@tcp(host:port)/database or a jdbc: URL");
        }
        String hostPort = m.group(3) == null || m.group(3).isEmpty() ? "127.0.0.1:3306" : m.group(3);
        return new JdbcSource("jdbc:mariadb://" + hostPort + "/" + m.group(4),
                m.group(1), new Secret(m.group(2)));
    }
}
