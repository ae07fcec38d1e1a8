"""Price paths drawn at random, for evaluating terms over many possible markets."""
