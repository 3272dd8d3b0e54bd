package bnd;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import bnd.mod.Api;
import bnd.mod.Base;
import bnd.mod.Color;
import bnd.mod.Oops;
import bnd.mod.Other;
import bnd.mod.Res;
import bnd.mod.Shape;
import bnd.mod.Svc;
import bnd.mod.Thrower;
import bnd.mod.Widget;

/**
 * Shell program for BoundaryIT: uses swappable code in every way the boundary supports and
 * prints one "who:construct value" line per construct, three times: on main before the swap
 * (generation 1), on main after it (unbound: generation 2), and in a thread started before the
 * swap (bound to generation 1). Args: versionsDir modulesDir.
 */
public final class App {
    /** Objects of generation 1, made before the swap and used after it. */
    static Object early;
    static Object earlyThrower;

    public static void main(String[] args) throws Exception {
        Path versions = Path.of(args[0]);
        Path modules = Path.of(args[1]);
        early = new Widget(1);
        earlyThrower = new Thrower();
        all("before");
        CountDownLatch go = new CountDownLatch(1);
        Thread task = new Thread(() -> {
            await(go);
            all("task");
        });
        task.start();
        print("before", "context", contextOf(null));
        CountDownLatch goContext = new CountDownLatch(1);
        ClassLoader[] later = new ClassLoader[1];
        Thread contextTask = new Thread(() -> {
            await(goContext);
            print("task", "context", contextOf(later[0]));
        });
        contextTask.start();
        ClassLoader first = Api.class.getClassLoader();
        deploy(versions.resolve("bnd-2.jar"), modules);
        awaitVersion(2);
        all("main");
        go.countDown();
        task.join(30_000);
        // After the other constructs, which ran with the context class loaders the agent sets.
        later[0] = Api.class.getClassLoader();
        goContext.countDown();
        contextTask.join(30_000);
        print("main", "context", contextOf(first));
        print("main", "cross", crossGenerations());
        print("main", "refused", refused());
        print("main", "refusedLambda", refusedLambda());
        print("done", "", "");
    }

    static void all(String who) {
        run(who, "static", App::statics);
        run(who, "instance", App::instances);
        run(who, "types", App::types);
        run(who, "arrays", App::arrays);
        run(who, "lambdas", App::lambdas);
        run(who, "catch", App::catches);
        run(who, "erased", App::erased);
        run(who, "enum", App::enums);
        run(who, "byname", App::byName);
        run(who, "subclass", App::subclasses);
        run(who, "more", App::more);
        run(who, "functional", Adapt::functional);
        run(who, "varargs", Adapt::varargs);
        run(who, "adapt", Adapt::adaptations);
        run(who, "indys", Adapt::indys);
        run(who, "frames", Adapt::frames);
    }

    interface Construct {
        String run() throws Throwable;
    }

    static void run(String who, String construct, Construct body) {
        String value;
        try {
            value = body.run();
        } catch (Throwable t) {
            value = "FAILED " + t;
            t.printStackTrace();
        }
        print(who, construct, value);
    }

    static synchronized void print(String who, String construct, Object value) {
        System.out.println(who + ":" + construct + " " + value);
    }

    /**
     * The generation a static call runs in after the thread's context class loader is set to
     * {@code loader} (another generation's, or none), then the same with the loader restored.
     */
    static String contextOf(ClassLoader loader) {
        Thread thread = Thread.currentThread();
        ClassLoader saved = thread.getContextClassLoader();
        if (loader != null) {
            thread.setContextClassLoader(loader);
        }
        int set = Api.version();
        thread.setContextClassLoader(saved);
        return set + " " + Api.version();
    }

    static String statics() {
        Api.counter += 10;
        Api.label = Api.label + "!";
        return Api.version() + " " + Api.over(1) + " " + Api.over("s") + " " + Widget.inherited()
                + " " + Api.counter + " " + Api.label + " " + new Widget(3).value() + " " + new Widget("7").value();
    }

    static String instances() {
        Widget w = new Widget(4);
        Shape s = w;
        w.value = w.value + 5;
        Base b = w;
        return w.value() + " " + s.area() + " " + b.hello() + " " + w.value + " early=" + ((Widget) early).describe();
    }

    static String types() {
        Object made = Api.make(2);
        Widget w = (Widget) made;
        boolean rejected;
        try {
            Object s = "not a widget";
            Widget bad = (Widget) s;
            rejected = bad == null;
        } catch (ClassCastException expected) {
            rejected = true;
        }
        return Widget.class.getClassLoader().getName() + " " + (w.getClass() == Widget.class) + " "
                + (made instanceof Shape) + " " + ((Object) "x" instanceof Widget) + " " + (early instanceof Widget)
                + " " + rejected;
    }

    static String arrays() {
        Widget[] row = new Widget[2];
        row[0] = new Widget(5);
        row[1] = new Widget(6);
        Widget[][] grid = new Widget[2][3];
        grid[1][2] = new Widget(7);
        Widget[][] ragged = new Widget[2][];
        ragged[0] = row;
        ragged[1] = new Widget[0];
        Object asObject = row;
        Widget[] back = (Widget[]) asObject;
        return Api.sum(row) + " " + Api.sum(grid) + " " + Api.sum(ragged) + " " + row.length + "x" + grid[0].length
                + " " + (row.getClass() == Widget[].class) + " " + (asObject instanceof Widget[]) + " "
                + (grid instanceof Widget[][]) + " " + back[1].value() + " "
                + row.getClass().getComponentType().getClassLoader().getName();
    }

    static String lambdas() {
        IntSupplier version = Api::version;
        IntFunction<Widget> make = Widget::new;
        Function<Widget, Integer> value = Widget::value;
        Widget w = new Widget(8);
        IntSupplier bound = w::area;
        Supplier<String> lambda = () -> Api.over(2);
        return version.getAsInt() + " " + make.apply(9).value() + " " + value.apply(w) + " " + bound.getAsInt()
                + " " + lambda.get();
    }

    static String catches() {
        String caught;
        try {
            Thrower.fail("oops");
            caught = "none";
        } catch (Oops e) {
            caught = "oops-" + e.getMessage();
        }
        String sibling;
        try {
            Thrower.fail("other");
            sibling = "none";
        } catch (Oops e) {
            sibling = "wrong";
        } catch (RuntimeException e) {
            sibling = "sibling-" + e.getClass().getSimpleName() + "-" + e.getMessage();
        }
        String nested = "";
        try {
            try {
                Thrower.fail("other");
            } catch (Oops e) {
                nested += "wrong";
            } finally {
                nested += "finally";
            }
        } catch (Other e) {
            nested += "-outer-" + e.getMessage();
        }
        String old;
        try {
            ((Thrower) earlyThrower).raise();
            old = "none";
        } catch (Oops e) {
            old = "old-" + e.getMessage();
        }
        return caught + " " + sibling + " " + nested + " " + old;
    }

    static String erased() {
        Board.put(new Widget(11));
        Widget got = Board.get();
        Widget last = Board.last;
        Visitor visitor = Api.visitor();
        return got.value() + " " + last.area() + " " + Api.roundTrip(12) + " " + visitor.visit(new Widget(13))
                + " " + Board.all.length;
    }

    static String enums() {
        StringBuilder seen = new StringBuilder();
        for (Color c : Color.values()) {
            switch (c) {
                case RED:
                    seen.append("r");
                    break;
                case GREEN:
                    seen.append("g");
                    break;
                case BLUE:
                    seen.append("b");
                    break;
                default:
                    seen.append("?");
                    break;
            }
        }
        return seen.toString();
    }

    static String byName() throws Throwable {
        Class<?> one = Class.forName("bnd.mod.Api");
        Class<?> three = Class.forName("bnd.mod.Api", true, ClassLoader.getSystemClassLoader());
        Class<?> system = ClassLoader.getSystemClassLoader().loadClass("bnd.mod.Api");
        Class<?> context = Thread.currentThread().getContextClassLoader().loadClass("bnd.mod.Api");
        Class<?> array = Class.forName("[Lbnd.mod.Widget;");
        Iterator<Svc> services = ServiceLoader.load(Svc.class).iterator();
        String service = services.hasNext() ? services.next().name() : "no-service";
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        Class<?> found = lookup.findClass("bnd.mod.Widget");
        int viaStatic = (int) lookup.findStatic(one, "version", MethodType.methodType(int.class)).invoke();
        Object made = lookup.findConstructor(found, MethodType.methodType(void.class, int.class)).invoke(21);
        int viaVirtual = (int) lookup.findVirtual(found, "value", MethodType.methodType(int.class)).invoke(made);
        int reflected = (int) three.getMethod("version").invoke(null);
        return version(one) + " " + version(three) + " " + version(system) + " " + version(context) + " "
                + array.getComponentType().getClassLoader().getName() + " " + service + " " + viaStatic + " "
                + viaVirtual + " " + reflected + " " + version(Names.load("bnd.mod.Api"));
    }

    static String subclasses() {
        Plugin plugin = Api.plugin();
        Named named = (Named) plugin;
        Plugin direct = new bnd.mod.Sub();
        return plugin.describe() + " " + named.name() + " " + direct.describe();
    }

    /** try-with-resources over a swappable resource; a static and a default method of a swappable interface. */
    static String more() {
        String seen;
        try (Res r = new Res()) {
            seen = r.name();
        }
        Shape s = new Widget(2);
        return seen + "-closed" + Res.closed + " " + Shape.kind() + " " + s.describeArea();
    }

    /** A generation-1 object handed to generation 2's code: the ClassCastException names both. */
    static String crossGenerations() {
        try {
            return Api.use((Widget) early);
        } catch (ClassCastException e) {
            return e.getMessage();
        }
    }

    static String refused() {
        try {
            return BadExt.hi();
        } catch (LinkageError e) {
            return e.getMessage();
        }
    }

    static String refusedLambda() {
        try {
            return BadLambda.hi();
        } catch (LinkageError e) {
            return e.getMessage();
        }
    }

    static int version(Class<?> api) throws ReflectiveOperationException {
        return (int) api.getMethod("version").invoke(null);
    }

    static void deploy(Path jar, Path modules) throws Exception {
        Path temp = modules.resolve(".bnd.jar.tmp");
        Files.copy(jar, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, modules.resolve("bnd.jar"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    static void awaitVersion(int version) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (Api.version() != version) {
            if (System.nanoTime() > deadline) {
                print("main", "swap-not-seen", version);
                System.exit(3);
            }
            Thread.sleep(5);
        }
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                print("task", "timeout", "latch");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
