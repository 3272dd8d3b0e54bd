package bnd.mod;

import bnd.Named;
import bnd.Plugin;

/** A swappable class that extends a shell class and implements a shell interface. */
public class Sub extends Plugin implements Named {
    @Override
    public String describe() {
        return prefix() + "-VERSION"; // protected member of the shell superclass
    }

    @Override
    public String name() {
        return "sub-VERSION";
    }
}
