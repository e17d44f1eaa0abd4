package dev.milvuscdc.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TargetAddressTest {

    @Test
    void httpIsPlaintextAndHttpsIsTls() throws Exception {
        assertThat(TargetAddress.parse("http://10.0.0.5:19540")).isEqualTo(new TargetAddress("10.0.0.5", 19540, false));
        assertThat(TargetAddress.parse("https://milvus.example:443")).isEqualTo(new TargetAddress("milvus.example", 443, true));
    }

    @Test
    void missingSchemeAndPortTakeTheMilvusDefaults() throws Exception {
        assertThat(TargetAddress.parse("localhost")).isEqualTo(new TargetAddress("localhost", 19530, false));
        assertThat(TargetAddress.parse(" localhost:19600 ")).isEqualTo(new TargetAddress("localhost", 19600, false));
    }

    @Test
    void userInfoNeverReachesTheDisplayForm() throws Exception {
        assertThat(TargetAddress.parse("http://root:secret@127.0.0.1:19530").display()).isEqualTo("http://127.0.0.1:19530");
    }

    @Test
    void badAddressesAreRejectedWithTheFix() {
        assertThatThrownBy(() -> TargetAddress.parse("")).isInstanceOf(TargetConnectException.class)
                .hasMessageContaining("set milvus_connect_param.uri");
        assertThatThrownBy(() -> TargetAddress.parse("ftp://h:1")).hasMessageContaining("use http:// or https://");
        assertThatThrownBy(() -> TargetAddress.parse("http://h:70000")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> TargetAddress.parse("http://:19530")).hasMessageContaining("no host");
    }
}
