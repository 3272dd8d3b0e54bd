package bnd.mod;

/** Like commons-lang3's FailableSupplier: generic in the exception it throws. */
public interface Failable<T, E extends Throwable> {
    T get() throws E;
}
