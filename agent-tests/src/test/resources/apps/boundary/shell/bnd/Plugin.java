package bnd;

/** A shell class that swappable code extends. */
public abstract class Plugin {
    protected String prefix() {
        return "plugin";
    }

    public abstract String describe();
}
