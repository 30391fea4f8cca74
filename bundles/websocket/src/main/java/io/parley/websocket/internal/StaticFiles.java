package io.parley.websocket.internal;

import io.parley.api.web.WebFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The installed web client's files, read once each and kept while that bundle stays (they are a few kilobytes);
 * an update of the bundle brings a new {@link WebFiles} and so a fresh cache.
 */
final class StaticFiles {

    /** What is served: the bytes and their media type. */
    record File(byte[] bytes, String contentType) {
    }

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json",
            "txt", "text/plain; charset=utf-8");

    /**
     * The installed files and what has been read of them: one cache per WebFiles, so a read that races an update
     * fills the old one's. Only files that exist are kept: a miss is not, or made-up names would grow it.
     */
    private record Site(WebFiles files, Map<String, File> cache) {
    }

    private volatile Site site;

    synchronized void use(WebFiles next) {
        site = new Site(next, new ConcurrentHashMap<>());
    }

    synchronized void drop(WebFiles gone) {
        if (site != null && site.files() == gone) {
            site = null;
        }
    }

    boolean installed() {
        return site != null;
    }

    /**
     * The file at a request's path ({@code /} is index.html). Empty for one that does not exist, has no type we
     * serve, or climbs out of the site ({@code ..}, backslashes, empty segments).
     */
    Optional<File> find(String path) throws IOException {
        Site current = site;
        if (current == null) {
            return Optional.empty();
        }
        String name = path.equals("/") ? "index.html" : path.substring(1);
        if (name.isEmpty() || name.contains("..") || name.contains("\\") || name.contains("//")
                || name.startsWith("/") || name.endsWith("/")) {
            return Optional.empty();
        }
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1));
        if (type == null) {
            return Optional.empty();
        }
        File known = current.cache().get(name);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<URL> url = current.files().find(name);
        if (url.isEmpty()) {
            return Optional.empty();
        }
        File file;
        try (InputStream in = url.get().openStream()) {
            file = new File(in.readAllBytes(), type);
        }
        current.cache().put(name, file);
        return Optional.of(file);
    }
}
