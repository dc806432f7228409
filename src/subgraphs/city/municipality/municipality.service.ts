import { DataSource, In } from 'typeorm';
import { MunicipalityEntity } from './municipality.entity';

export class MunicipalityService {
  constructor(private readonly ds: DataSource) {}

  list(): Promise<MunicipalityEntity[]> {
    return this.ds.getRepository(MunicipalityEntity).find({ order: { key: 'ASC' } });
  }

  byKeys(keys: readonly string[]): Promise<MunicipalityEntity[]> {
    return this.ds.getRepository(MunicipalityEntity).findBy({ key: In([...keys]) });
  }

  async exists(key: string): Promise<boolean> {
    return (await this.ds.getRepository(MunicipalityEntity).countBy({ key, level: 'municipality' })) > 0;
  }
}
