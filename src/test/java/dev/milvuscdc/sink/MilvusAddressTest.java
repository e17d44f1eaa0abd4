package dev.milvuscdc.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MilvusAddressTest {

    @Test
    void httpIsPlaintextAndHttpsIsTls() throws Exception {
        assertThat(MilvusAddress.parse(MilvusPeer.TARGET, "http://10.0.0.5:19540")).isEqualTo(new MilvusAddress("10.0.0.5", 19540, false));
        assertThat(MilvusAddress.parse(MilvusPeer.TARGET, "https://milvus.example:443")).isEqualTo(new MilvusAddress("milvus.example", 443, true));
    }

    @Test
    void missingSchemeAndPortTakeTheMilvusDefaults() throws Exception {
        assertThat(MilvusAddress.parse(MilvusPeer.TARGET, "localhost")).isEqualTo(new MilvusAddress("localhost", 19530, false));
        assertThat(MilvusAddress.parse(MilvusPeer.TARGET, " localhost:19600 ")).isEqualTo(new MilvusAddress("localhost", 19600, false));
    }

    @Test
    void userInfoNeverReachesTheDisplayForm() throws Exception {
        assertThat(MilvusAddress.parse(MilvusPeer.TARGET, "http://root:secret@127.0.0.1:19530").display()).isEqualTo("http://127.0.0.1:19530");
    }

    @Test
    void badAddressesAreRejectedWithTheFix() {
        assertThatThrownBy(() -> MilvusAddress.parse(MilvusPeer.TARGET, "")).isInstanceOf(MilvusConnectException.class)
                .hasMessageContaining("set milvus_connect_param.uri");
        assertThatThrownBy(() -> MilvusAddress.parse(MilvusPeer.TARGET, "ftp://h:1")).hasMessageContaining("use http:// or https://");
        assertThatThrownBy(() -> MilvusAddress.parse(MilvusPeer.TARGET, "http://h:70000")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> MilvusAddress.parse(MilvusPeer.TARGET, "http://:19530")).hasMessageContaining("no host");
    }

    @Test
    void theSourceMilvusIsNamedWithItsSetting() {
        assertThatThrownBy(() -> MilvusAddress.parse(MilvusPeer.SOURCE, "ftp://h:1"))
                .hasMessage("unsupported scheme 'ftp' in the source Milvus address (sourceConfig.milvus.uri): use http:// or https://");
        assertThatThrownBy(() -> MilvusAddress.parse(MilvusPeer.SOURCE, "http://:19530"))
                .hasMessageContaining("source Milvus").hasMessageContaining("sourceConfig.milvus.uri");
    }
}
