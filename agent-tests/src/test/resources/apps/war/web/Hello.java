package web;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The webapp's servlet (WEB-INF/classes of WarIT's WAR): reads the swappable version at the start and the end of a
 * request, and at the end by name too, through the webapp's class loader (as frameworks in a WAR load classes); a
 * request named hold-* says so on stdout and waits in between until /release?id=... .
 */
public class Hello extends HttpServlet {
    private static final ConcurrentHashMap<String, CountDownLatch> HELD = new ConcurrentHashMap<>();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String id = request.getParameter("id");
        CountDownLatch gate = HELD.computeIfAbsent(id, key -> new CountDownLatch(1));
        if (request.getRequestURI().endsWith("/release")) {
            gate.countDown();
            response.getWriter().write("released " + id);
            return;
        }
        String start = web.mod.Version.version();
        if (id.startsWith("hold")) {
            System.out.println("holding " + id + " start=" + start);
            try {
                if (!gate.await(120, TimeUnit.SECONDS)) {
                    throw new IOException(id + " was never released");
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }
        String end = web.mod.Version.version();
        String byName;
        try {
            byName = (String) getClass().getClassLoader().loadClass("web.mod.Version").getMethod("version")
                    .invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IOException(e);
        }
        response.getWriter().write("start=" + start + " end=" + end + " by name=" + byName);
    }
}
