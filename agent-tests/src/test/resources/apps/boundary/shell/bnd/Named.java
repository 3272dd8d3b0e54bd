package bnd;

/** A shell interface that swappable code implements. */
public interface Named {
    String name();
}
