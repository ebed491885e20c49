package dev.meshplane.bootstrap.jmx;

/** A remote JMX login: user name, password and the role it grants. Never prints the password. */
public record JmxAccount(String user, String password, JmxRole role) {

  @Override
  public String toString() {
    return "JmxAccount[user=" + user + ", role=" + role + ", password=<set>]";
  }
}
