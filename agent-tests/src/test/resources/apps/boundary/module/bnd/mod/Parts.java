package bnd.mod;

/**
 * What shell code hands to swappable code that must be adapted on the way: varargs statics,
 * instance methods and constructors, functional interfaces, boxing, null, a generic bridge
 * (compareTo), a covariant return (self), a static field inherited from an interface (MARK).
 */
public class Parts extends Base implements Comparable<Parts>, Marked {
    private final String joined;

    public Parts(String... parts) {
        joined = VERSION + ":" + parts.length + String.join("", parts);
    }

    public String joined() {
        return joined;
    }

    public int sum(int... xs) {
        int sum = VERSION * 100;
        for (int x : xs) {
            sum += x;
        }
        return sum;
    }

    public static int count(String... xs) {
        return xs.length * 10 + VERSION;
    }

    public static boolean any(CharSequence s, char... cs) {
        for (char c : cs) {
            if (s.toString().indexOf(c) >= 0) {
                return true;
            }
        }
        return false;
    }

    public static String call(Fn<?> f) {
        return VERSION + ":" + f.get();
    }

    public static String twice(Fn<?> f) {
        return VERSION + ":" + f.twice();
    }

    public static String callStr(StrFn f) {
        Fn<String> generic = f;
        return VERSION + ":" + generic.get();
    }

    public static <E extends Throwable> String fail(Failable<?, E> f) throws E {
        return VERSION + ":" + (f.get() != null);
    }

    public static String name() {
        return "name" + VERSION;
    }

    public static String boxed(Integer i, long l, Object o) {
        return VERSION + "" + i + l + o;
    }

    public static String nameOf(Parts p) {
        return p == null ? "none-VERSION" : p.joined;
    }

    @Override
    public int compareTo(Parts o) {
        return joined.compareTo(o.joined);
    }

    @Override
    public Parts self() {
        return this;
    }

    @Override
    public String toString() {
        return "P" + joined;
    }
}
