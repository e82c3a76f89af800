package dev.protolens.engine.model;
import dev.protolens.engine.decode.Generation;
import dev.protolens.engine.testing.Shared;
import org.junit.jupiter.api.Test;
class TmpGenTest {
  @Test void gen() {
    for (String m : new String[]{"stories260k/stories260k-f32.gguf","stories260k/stories260k-q8_0.gguf","stories260k-hf"}) {
      long t0=System.nanoTime();
      try (LoadedModel lm = ModelLoader.load(Shared.model(m))) {
        long t1=System.nanoTime();
        Generation.Result r = Generation.greedy(lm, "Once upon a time", 80);
        System.out.println(m+" load "+(t1-t0)/1e6+"ms gen "+(System.nanoTime()-t1)/1e6+"ms "+lm.config()+"\n"+java.util.Arrays.toString(r.generatedIds())+"\n"+r.text());
      }
    }
  }
}
