package dev.meshplane.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshplane.relay.ConnectionBudget.Refusal;
import dev.meshplane.relay.ConnectionBudget.Slot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectionBudgetTest {

  @Test
  void handshakingConnectionsHaveTheirOwnCap() {
    ConnectionBudget budget = new ConnectionBudget(2, 10, 100);
    Slot first = budget.open("192.0.2.1").slot();
    budget.open("192.0.2.2");
    assertEquals(Refusal.HANDSHAKE_LIMIT, budget.open("192.0.2.3").refusal());
    assertTrue(first.authenticate());
    assertEquals(1, budget.handshaking());
    assertEquals(1, budget.authenticated());
    assertNull(budget.open("192.0.2.3").refusal(), "an authenticated connection frees its handshaking slot");
  }

  @Test
  void authenticatedPeersHaveTheirCapAndAFullOneRefusesNewUpgrades() {
    ConnectionBudget budget = new ConnectionBudget(10, 1, 100);
    Slot early = budget.open("192.0.2.1").slot();
    Slot late = budget.open("192.0.2.2").slot();
    assertTrue(early.authenticate());
    assertFalse(late.authenticate());
    assertEquals(1, budget.handshaking(), "a refused token leaves the slot handshaking until it closes");
    assertEquals(Refusal.CONNECTION_LIMIT, budget.open("192.0.2.3").refusal());
    late.release();
    early.release();
    assertEquals(0, budget.handshaking());
    assertEquals(0, budget.authenticated());
    assertNull(budget.open("192.0.2.3").refusal());
  }

  @Test
  void everyConnectionCountsAgainstItsAddressInEitherPhase() {
    ConnectionBudget budget = new ConnectionBudget(10, 10, 2);
    Slot peer = budget.open("192.0.2.1").slot();
    assertTrue(peer.authenticate());
    Slot handshaking = budget.open("192.0.2.1").slot();
    assertEquals(Refusal.ADDRESS_LIMIT, budget.open("192.0.2.1").refusal());
    assertNull(budget.open("192.0.2.2").refusal(), "another address has its own count");
    assertEquals(2, budget.handshaking(), "a refused address takes no handshaking slot");
    handshaking.release();
    assertNull(budget.open("192.0.2.1").refusal());
  }

  @Test
  void releaseIsIdempotentAndAReleasedSlotCannotAuthenticate() {
    ConnectionBudget budget = new ConnectionBudget(1, 1, 1);
    Slot slot = budget.open("192.0.2.1").slot();
    slot.release();
    slot.release();
    assertFalse(slot.authenticate());
    assertEquals(0, budget.handshaking());
    assertEquals(0, budget.authenticated());
    Slot next = budget.open("192.0.2.1").slot();
    assertTrue(next.authenticate());
    next.release();
    next.release();
    assertEquals(0, budget.authenticated());
  }

  @Test
  void concurrentCallsNeverExceedTheCapsAndAllReleasesReturnToZero() throws Exception {
    ConnectionBudget budget = new ConnectionBudget(1000, 30, 20);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<Slot>> opened = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String address = "192.0.2." + (i % 5);
        opened.add(CompletableFuture.supplyAsync(() -> budget.open(address).slot(), pool));
      }
      List<Slot> slots = new ArrayList<>();
      for (CompletableFuture<Slot> future : opened) {
        Slot slot = future.get(10, TimeUnit.SECONDS);
        if (slot != null) {
          slots.add(slot);
        }
      }
      // Five addresses of at most 20 connections each.
      assertEquals(100, slots.size());
      List<CompletableFuture<Boolean>> authenticated = new ArrayList<>();
      for (Slot slot : slots) {
        authenticated.add(CompletableFuture.supplyAsync(slot::authenticate, pool));
      }
      int accepted = 0;
      for (CompletableFuture<Boolean> future : authenticated) {
        accepted += future.get(10, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertEquals(30, accepted);
      assertEquals(30, budget.authenticated());
      assertEquals(70, budget.handshaking());
      List<CompletableFuture<Void>> released = new ArrayList<>();
      for (Slot slot : slots) {
        released.add(CompletableFuture.runAsync(slot::release, pool));
        released.add(CompletableFuture.runAsync(slot::release, pool));
      }
      CompletableFuture.allOf(released.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      assertEquals(0, budget.authenticated());
      assertEquals(0, budget.handshaking());
      assertNull(budget.open("192.0.2.0").refusal(), "every address count went back to zero");
    } finally {
      pool.shutdownNow();
    }
  }
}
