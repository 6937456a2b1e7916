package contract;

/** One step of a contract run against a live node: a contract case, or an action between them. */
interface Step {

  String name();

  /** The route path it requests (a template), or null for an action. */
  default String pathTemplate() {
    return null;
  }

  void run(LiveApi api) throws Exception;

  interface Body {
    void run(LiveApi api) throws Exception;
  }

  /** Something done between cases (a wait, a sandbox query, a restoration); asserts on its own. */
  static Step action(String name, Body body) {
    return new Step() {
      @Override
      public String name() {
        return "· " + name;
      }

      @Override
      public void run(LiveApi api) throws Exception {
        body.run(api);
      }
    };
  }
}
