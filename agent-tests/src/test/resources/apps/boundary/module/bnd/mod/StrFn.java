package bnd.mod;

/** Overrides Fn's generic method: a lambda of it needs a bridge method (altMetafactory with FLAG_BRIDGES). */
public interface StrFn extends Fn<String> {
    @Override
    String get();
}
